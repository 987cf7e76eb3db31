//! The command line's allocator: mimalloc, asked the way its fast path wants.
//!
//! `mimalloc::MiMalloc` hands every request to `mi_malloc_aligned`, whose mimalloc 3 fast
//! path only takes power-of-two sizes: an 80-byte order document went the generic way
//! (about 300 instructions an allocation, callgrind). Every mimalloc block is aligned to at
//! least 8 bytes, so a request aligned to 8 or less goes to plain `mi_malloc`, as the
//! standard library's `System` does with `malloc`; larger alignments keep the aligned calls.

use libmimalloc_sys::{
    mi_free, mi_malloc, mi_malloc_aligned, mi_realloc, mi_realloc_aligned, mi_zalloc, mi_zalloc_aligned,
};
use std::alloc::{GlobalAlloc, Layout};
use std::ffi::c_void;

/// The alignment every mimalloc block has at least. mimalloc aligns every block to
/// `MI_MAX_ALIGN_SIZE` (16 on 64-bit targets, as `malloc` must for `max_align_t`); this
/// allocator relies only on 8. Debug builds check it on every block handed out.
const BLOCK_ALIGN: usize = 8;

/// In debug builds, checks a block from the unaligned calls against the assumption above.
#[inline(always)]
fn checked(p: *mut c_void, layout: Layout) -> *mut u8 {
    debug_assert!(
        p.is_null() || (p as usize) % layout.align() == 0,
        "mimalloc handed out a block aligned below {} bytes: BLOCK_ALIGN is wrong",
        layout.align()
    );
    p as *mut u8
}

/// mimalloc as a global allocator (`#[global_allocator] static A: Allocator = Allocator;`).
pub struct Allocator;

// SAFETY: GlobalAlloc asks for a block of `layout.size()` bytes aligned to `layout.align()`.
// Each call hands mimalloc the size and, beyond BLOCK_ALIGN, the alignment asked for; a
// request aligned to BLOCK_ALIGN or less is sound with the unaligned calls because every
// mimalloc block is aligned to at least BLOCK_ALIGN (the assumption above, asserted in
// debug builds by `checked`). mimalloc returns null on failure (never unwinds), is thread
// safe, and frees or grows any of its blocks, whatever the call that made it.
unsafe impl GlobalAlloc for Allocator {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if layout.align() <= BLOCK_ALIGN {
            checked(mi_malloc(layout.size()), layout)
        } else {
            mi_malloc_aligned(layout.size(), layout.align()) as *mut u8
        }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if layout.align() <= BLOCK_ALIGN {
            checked(mi_zalloc(layout.size()), layout)
        } else {
            mi_zalloc_aligned(layout.size(), layout.align()) as *mut u8
        }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        mi_free(ptr as *mut c_void)
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if layout.align() <= BLOCK_ALIGN {
            checked(mi_realloc(ptr as *mut c_void, new_size), layout)
        } else {
            mi_realloc_aligned(ptr as *mut c_void, new_size, layout.align()) as *mut u8
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_are_aligned_zeroed_and_keep_their_bytes_when_they_grow() {
        let a = Allocator;
        for align in [1usize, 2, 4, 8, 16, 32, 64, 4096] {
            for size in [1usize, 7, 8, 24, 80, 100, 4000, 70_000] {
                let layout = Layout::from_size_align(size, align).unwrap();
                // SAFETY: a non-zero size; each block is freed once, with its layout
                unsafe {
                    let p = a.alloc(layout);
                    assert!(!p.is_null() && p as usize % align == 0, "{size} bytes aligned to {align}");
                    for i in 0..size {
                        *p.add(i) = i as u8;
                    }
                    let q = a.realloc(p, layout, size * 3);
                    assert!(!q.is_null() && q as usize % align == 0);
                    assert!((0..size).all(|i| *q.add(i) == i as u8), "realloc keeps the bytes");
                    a.dealloc(q, Layout::from_size_align(size * 3, align).unwrap());
                    let z = a.alloc_zeroed(layout);
                    assert!(!z.is_null() && z as usize % align == 0);
                    assert!((0..size).all(|i| *z.add(i) == 0), "zeroed");
                    a.dealloc(z, layout);
                }
            }
        }
    }
}
