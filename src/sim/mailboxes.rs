//! The actors' mailboxes, with the enqueue number of each one's head kept beside them:
//! choosing the next delivery (before every step) reads one array instead of every queue.

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
}

impl Mailboxes {
    /// `n` empty mailboxes.
    pub fn new(n: usize) -> Mailboxes {
        Mailboxes { boxes: vec![VecDeque::new(); n], heads: vec![EMPTY; n] }
    }

    /// The enqueue number of each mailbox's head ([`EMPTY`] for an empty one).
    pub fn heads(&self) -> &[u64] {
        &self.heads
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
    }

    fn sync(&mut self, a: usize) {
        self.heads[a] = self.boxes[a].front().map_or(EMPTY, |m| m.enq);
    }

    /// Puts `mail` at the end of actor `a`'s mailbox.
    pub fn push_back(&mut self, a: usize, mail: Mail) {
        if self.boxes[a].is_empty() {
            self.heads[a] = mail.enq;
        }
        self.boxes[a].push_back(mail);
    }

    /// Puts `mail` back at the head of actor `a`'s mailbox.
    pub fn push_front(&mut self, a: usize, mail: Mail) {
        self.boxes[a].push_front(mail);
        self.heads[a] = mail.enq;
    }

    /// Takes the head of actor `a`'s mailbox.
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
}
