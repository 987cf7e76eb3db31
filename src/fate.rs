//! What happens to one delivery, whoever decides it: the seeded fault layer
//! ([`faults::fate`](crate::faults::fate)), a person ([`Action::fate`](crate::sim::Action::fate))
//! or the explorer ([`Fate::EXPLORED`]). One type, so that the executor carries out every
//! fate the same way.

/// The fate of one delivery to one actor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Fate {
    /// Delivered once, on time (the seeded layer's usual draw; the explorer's first branch).
    Delivered,
    /// Lost on the way.
    Lost,
    /// Delivered twice: a second copy enters the mailbox right after the first.
    Duplicated,
    /// Delivered this many simulated ms later (a person's choice).
    Delayed(u64),
    /// Delivered after the step's timeout has rung: the explorer's branch, which it turns
    /// into [`Fate::Delayed`] by the delay the delivery at hand needs.
    Late,
}

impl Fate {
    /// The explorer's four branches for one delivery, [`Fate::Delivered`] first.
    pub const EXPLORED: [Fate; 4] = [Fate::Delivered, Fate::Lost, Fate::Duplicated, Fate::Late];

    /// The fate in one word: `delivered`, `lost`, `duplicated`, `delayed` or `late`.
    ///
    /// ```
    /// use brigade::fate::Fate;
    /// assert_eq!(Fate::Delayed(300).word(), "delayed");
    /// assert_eq!(Fate::EXPLORED.map(Fate::word), ["delivered", "lost", "duplicated", "late"]);
    /// ```
    pub fn word(self) -> &'static str {
        match self {
            Fate::Delivered => "delivered",
            Fate::Lost => "lost",
            Fate::Duplicated => "duplicated",
            Fate::Delayed(_) => "delayed",
            Fate::Late => "late",
        }
    }

    /// The fate as plain numbers, for a canonical hash: `(kind, delay in ms)`.
    pub fn key(self) -> (u8, u64) {
        match self {
            Fate::Delivered => (0, 0),
            Fate::Lost => (1, 0),
            Fate::Duplicated => (2, 0),
            Fate::Delayed(ms) => (3, ms),
            Fate::Late => (4, 0),
        }
    }
}
