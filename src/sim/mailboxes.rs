//! The actors' mailboxes, with the enqueue number of each one's head kept beside them and
//! a bit for each one holding mail: choosing the next delivery (before every step) reads
//! the heads of the actors with mail only, instead of every queue.

use std::collections::VecDeque;
use std::ops::Index;

/// A message waiting in an actor's mailbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Mail {
    /// Its position in the store.
    pub seq: u32,
    /// 1 for the second copy of a duplicated delivery.
    pub copy: u8,
    /// When it entered a mailbox, counted over the whole run (the tie-breaker).
    pub enq: u64,
    /// When it entered the mailbox, in simulated ms.
    pub since: u64,
}

/// The head enqueue number of an empty mailbox.
pub(crate) const EMPTY: u64 = u64::MAX;

/// One mailbox per actor. Every change goes through these methods, which keep `heads`.
#[derive(Debug, Clone, Default)]
pub(crate) struct Mailboxes {
    boxes: Vec<VecDeque<Mail>>,
    heads: Vec<u64>,
    /// Bit `a % 64` of word `a / 64`: actor `a`'s mailbox holds mail.
    occupied: Vec<u64>,
}

impl Mailboxes {
    /// `n` empty mailboxes.
    pub fn new(n: usize) -> Mailboxes {
        Mailboxes { boxes: vec![VecDeque::new(); n], heads: vec![EMPTY; n], occupied: vec![0; n.div_ceil(64)] }
    }

    /// The enqueue number of each mailbox's head ([`EMPTY`] for an empty one).
    pub fn heads(&self) -> &[u64] {
        &self.heads
    }

    /// The actors whose mailbox holds mail, in ascending order.
    #[inline]
    pub fn occupied(&self) -> impl Iterator<Item = usize> + '_ {
        self.occupied.iter().enumerate().flat_map(|(w, &word)| {
            let mut bits = word;
            std::iter::from_fn(move || {
                (bits != 0).then(|| {
                    let b = bits.trailing_zeros() as usize;
                    bits &= bits - 1;
                    w * 64 + b
                })
            })
        })
    }

    /// The bits of [`Mailboxes::occupied`]: bit `a % 64` of word `a / 64` for actor `a`.
    pub fn occupied_words(&self) -> &[u64] {
        &self.occupied
    }

    /// Actor `a`'s mailbox, if there is such an actor.
    pub fn get(&self, a: usize) -> Option<&VecDeque<Mail>> {
        self.boxes.get(a)
    }

    /// The mailboxes, by actor.
    pub fn iter(&self) -> std::slice::Iter<'_, VecDeque<Mail>> {
        self.boxes.iter()
    }

    /// A mailbox for one more actor.
    pub fn add(&mut self) {
        self.boxes.push(VecDeque::new());
        self.heads.push(EMPTY);
        if self.boxes.len() > self.occupied.len() * 64 {
            self.occupied.push(0);
        }
    }

    #[inline]
    fn mark(&mut self, a: usize, full: bool) {
        let (word, bit) = (a / 64, 1u64 << (a % 64));
        if full {
            self.occupied[word] |= bit;
        } else {
            self.occupied[word] &= !bit;
        }
    }

    #[inline]
    fn sync(&mut self, a: usize) {
        let head = self.boxes[a].front().map_or(EMPTY, |m| m.enq);
        self.heads[a] = head;
        self.mark(a, head != EMPTY);
    }

    /// Puts `mail` at the end of actor `a`'s mailbox.
    #[inline]
    pub fn push_back(&mut self, a: usize, mail: Mail) {
        if self.boxes[a].is_empty() {
            self.heads[a] = mail.enq;
            self.mark(a, true);
        }
        self.boxes[a].push_back(mail);
    }

    /// Puts `mail` back at the head of actor `a`'s mailbox.
    #[inline]
    pub fn push_front(&mut self, a: usize, mail: Mail) {
        self.boxes[a].push_front(mail);
        self.heads[a] = mail.enq;
        self.mark(a, true);
    }

    /// Takes the head of actor `a`'s mailbox.
    #[inline]
    pub fn pop_front(&mut self, a: usize) -> Option<Mail> {
        let mail = self.boxes[a].pop_front();
        self.sync(a);
        mail
    }

    /// Takes mail number `i` out of actor `a`'s mailbox.
    pub fn remove(&mut self, a: usize, i: usize) -> Option<Mail> {
        let mail = self.boxes[a].remove(i);
        self.sync(a);
        mail
    }

    /// Puts `mail` at place `i` of actor `a`'s mailbox.
    pub fn insert(&mut self, a: usize, i: usize, mail: Mail) {
        self.boxes[a].insert(i, mail);
        self.sync(a);
    }

    /// Empties actor `a`'s mailbox, returning what it held.
    pub fn drain(&mut self, a: usize) -> Vec<Mail> {
        let all = self.boxes[a].drain(..).collect();
        self.heads[a] = EMPTY;
        self.mark(a, false);
        all
    }
}

impl Index<usize> for Mailboxes {
    type Output = VecDeque<Mail>;

    fn index(&self, a: usize) -> &VecDeque<Mail> {
        &self.boxes[a]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mail(enq: u64) -> Mail {
        Mail { seq: enq as u32, copy: 0, enq, since: 0 }
    }

    #[test]
    fn the_heads_follow_every_change() {
        let mut boxes = Mailboxes::new(2);
        let check = |b: &Mailboxes| {
            for (a, m) in b.iter().enumerate() {
                assert_eq!(b.heads()[a], m.front().map_or(EMPTY, |m| m.enq));
            }
            let with_mail: Vec<usize> = (0..b.iter().len()).filter(|&a| !b[a].is_empty()).collect();
            assert_eq!(b.occupied().collect::<Vec<_>>(), with_mail);
        };
        boxes.push_back(1, mail(5));
        boxes.push_back(1, mail(6));
        check(&boxes);
        assert_eq!(boxes.heads(), &[EMPTY, 5]);
        boxes.insert(1, 0, mail(3));
        check(&boxes);
        assert_eq!(boxes.pop_front(1).map(|m| m.enq), Some(3));
        check(&boxes);
        boxes.push_front(1, mail(2));
        check(&boxes);
        assert_eq!(boxes.remove(1, 0).map(|m| m.enq), Some(2));
        assert_eq!(boxes.heads()[1], 5);
        boxes.add();
        boxes.push_back(2, mail(9));
        assert_eq!(boxes.drain(1).len(), 2);
        check(&boxes);
        assert_eq!(boxes.heads(), &[EMPTY, EMPTY, 9]);
    }

    #[test]
    fn the_bits_follow_mail_past_the_64th_actor() {
        let mut boxes = Mailboxes::new(3);
        for _ in 0..70 {
            boxes.add();
        }
        boxes.push_back(66, mail(1));
        boxes.push_back(2, mail(2));
        boxes.push_front(64, mail(3));
        assert_eq!(boxes.occupied().collect::<Vec<_>>(), [2, 64, 66]);
        assert_eq!(boxes.occupied_words(), [1 << 2, 1 | 1 << 2]);
        boxes.pop_front(64);
        assert_eq!(boxes.drain(66).len(), 1);
        assert_eq!(boxes.occupied().collect::<Vec<_>>(), [2]);
    }
}
