//! TypeScript declarations of every value the JavaScript facade returns, generated from
//! the Rust types (`ts-rs`), so that the wasm package's `brigade.d.ts` has real types
//! instead of `any`. `src/facade.d.ts` holds the output; a test checks it is current
//! (`BRIGADE_BLESS=1 cargo test --lib typescript` rewrites it), and `src/wasm.rs` ships it.

use crate::actors::printer::{Receipt, ReceiptLine};
use crate::message::MessageType;
use crate::process::Definition;
use crate::report::{Latency, Report};
use crate::scenario::{Architecture, Config, CookSpec, Dispatch, HouseMode};
use crate::sim::input::{Action, Input};
use crate::view::*;
use crate::wiring::{Customers, Link, Reaction, Role, Subscription, Wiring};
use ts_rs::TS;

fn decl<T: TS + ?Sized>(cfg: &ts_rs::Config) -> String {
    let decl = T::decl(cfg);
    let mut out = String::new();
    if let Some(docs) = T::docs() {
        out.push_str(&docs);
    }
    out.push_str("export ");
    out.push_str(&decl);
    out.push('\n');
    out
}

/// The declarations, in one text (numbers for 64-bit integers: the facade returns plain
/// JavaScript numbers).
pub fn declarations() -> String {
    let cfg = ts_rs::Config::new().with_large_int("number");
    let all = [
        decl::<MessageType>(&cfg),
        decl::<serde_json::Value>(&cfg),
        decl::<Config>(&cfg),
        decl::<CookSpec>(&cfg),
        decl::<Dispatch>(&cfg),
        decl::<HouseMode>(&cfg),
        decl::<Architecture>(&cfg),
        decl::<crate::arrivals::Arrivals>(&cfg),
        decl::<crate::cooking::Cooking>(&cfg),
        decl::<crate::mailbox_limit::MailboxLimit>(&cfg),
        decl::<crate::mailbox_limit::Policy>(&cfg),
        decl::<crate::process::CustomScope>(&cfg),
        decl::<Definition>(&cfg),
        decl::<Action>(&cfg),
        decl::<Input>(&cfg),
        decl::<MessageView>(&cfg),
        decl::<MessageDetail>(&cfg),
        decl::<OutputView>(&cfg),
        decl::<FaultView>(&cfg),
        decl::<FaultStepView>(&cfg),
        decl::<QueuedView>(&cfg),
        decl::<DeliveryView>(&cfg),
        decl::<RunFaultView>(&cfg),
        decl::<StepView>(&cfg),
        decl::<ActorView>(&cfg),
        decl::<OrderView>(&cfg),
        decl::<DecisionView>(&cfg),
        decl::<ReplayStepView>(&cfg),
        decl::<ProcessRef>(&cfg),
        decl::<ReplayView>(&cfg),
        decl::<SamplesView>(&cfg),
        decl::<Role>(&cfg),
        decl::<Customers>(&cfg),
        decl::<Subscription>(&cfg),
        decl::<Reaction>(&cfg),
        decl::<Link>(&cfg),
        decl::<Wiring>(&cfg),
        decl::<WiringView<'static>>(&cfg),
        decl::<crate::vocabulary::TypeWord>(&cfg),
        decl::<crate::vocabulary::RoleWord>(&cfg),
        decl::<crate::vocabulary::Word>(&cfg),
        decl::<crate::vocabulary::Vocabulary>(&cfg),
        decl::<Latency>(&cfg),
        decl::<crate::report::ActorLoad>(&cfg),
        decl::<Report>(&cfg),
        decl::<ReceiptLine>(&cfg),
        decl::<Receipt>(&cfg),
    ];
    let mut text = String::from(
        "// The values the brigade facade returns. Generated from the Rust types by\n\
         // src/typescript.rs: do not edit (BRIGADE_BLESS=1 cargo test --lib typescript).\n\n",
    );
    for d in all {
        text.push_str(&d);
        text.push('\n');
    }
    text
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_shipped_declarations_are_generated_from_the_current_types() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/facade.d.ts");
        let fresh = super::declarations();
        if std::env::var_os("BRIGADE_BLESS").is_some() {
            std::fs::write(path, &fresh).expect("write src/facade.d.ts");
        }
        let shipped = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            shipped == fresh,
            "src/facade.d.ts is out of date with the Rust types: run BRIGADE_BLESS=1 cargo test --lib typescript"
        );
    }
}
