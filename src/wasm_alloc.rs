//! The WebAssembly heap: dlmalloc over a memory that grows geometrically.
//!
//! Growing WebAssembly memory can copy all of it (as seen in Node on these machines:
//! 4,000 grows of 64 KiB up to 250 MiB took 7.5 s). The standard allocator grows by
//! what each request needs, so a long run grew the memory thousands of times and a
//! 100,000-order timeline took five times as long as the same run natively. Here the
//! heap grows by at least a quarter of its size each time: a few dozen grows in all.

use core::alloc::{GlobalAlloc, Layout};
use core::arch::wasm32;
use core::ptr;

const PAGE: usize = 64 * 1024;
const MIN_GROWTH: usize = 1 << 20;

// The heap below is one `static mut` used without a lock: sound only while the module
// runs one thread. wasm32-unknown-unknown without the `atomics` target feature has no
// threads (no shared memory), so the build refuses that feature rather than race.
#[cfg(target_feature = "atomics")]
compile_error!("src/wasm_alloc.rs assumes one thread: build without the atomics target feature");

/// Hands dlmalloc fresh memory, in geometrically growing pieces.
struct GrowingMemory;

// SAFETY: dlmalloc::Allocator asks for regions no one else uses. Each region handed out is
// memory the `memory.grow` just added (from the previous end, `previous * PAGE`, for
// `pages * PAGE` bytes): never handed out before, so regions never overlap, and fresh
// WebAssembly memory is zeroed (hence `allocates_zeros`). Nothing is ever given back or
// remapped (those calls answer "no"), so a region stays valid for the program's life.
unsafe impl dlmalloc::Allocator for GrowingMemory {
    fn alloc(&self, size: usize) -> (*mut u8, usize, u32) {
        let current = wasm32::memory_size(0) * PAGE;
        let wanted = size.max(current / 4).max(MIN_GROWTH);
        for bytes in [wanted, size] {
            let pages = bytes.div_ceil(PAGE);
            let previous = wasm32::memory_grow(0, pages);
            if previous != usize::MAX {
                let base = previous * PAGE;
                let mut len = pages * PAGE;
                if base.wrapping_add(len) == 0 {
                    len -= 16; // never hand out the very top of the address space
                }
                return (base as *mut u8, len, 0);
            }
        }
        (ptr::null_mut(), 0, 0)
    }

    fn remap(&self, _ptr: *mut u8, _old: usize, _new: usize, _can_move: bool) -> *mut u8 {
        ptr::null_mut()
    }

    fn free_part(&self, _ptr: *mut u8, _old: usize, _new: usize) -> bool {
        false
    }

    fn free(&self, _ptr: *mut u8, _size: usize) -> bool {
        false
    }

    fn can_release_part(&self, _flags: u32) -> bool {
        false
    }

    fn allocates_zeros(&self) -> bool {
        true
    }

    fn page_size(&self) -> usize {
        PAGE
    }
}

static mut HEAP: dlmalloc::Dlmalloc<GrowingMemory> = dlmalloc::Dlmalloc::new_with_allocator(GrowingMemory);

/// The global allocator of the wasm build. wasm32-unknown-unknown runs one thread, so
/// no lock is needed.
struct Heap;

// SAFETY: every call goes straight to dlmalloc, which honours size and alignment and
// returns null on failure. The `&mut` to HEAP made in each call is the only one alive:
// the module runs one thread (see the compile_error above) and dlmalloc never calls back
// into the global allocator, so no two calls overlap.
unsafe impl GlobalAlloc for Heap {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        (*ptr::addr_of_mut!(HEAP)).malloc(layout.size(), layout.align())
    }

    unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
        (*ptr::addr_of_mut!(HEAP)).free(p, layout.size(), layout.align())
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        (*ptr::addr_of_mut!(HEAP)).calloc(layout.size(), layout.align())
    }

    unsafe fn realloc(&self, p: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        (*ptr::addr_of_mut!(HEAP)).realloc(p, layout.size(), layout.align(), new_size)
    }
}

#[global_allocator]
static GLOBAL: Heap = Heap;
