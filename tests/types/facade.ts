// Type test of the wasm package's declarations (www/pkg/brigade.d.ts): the facade's return
// values have real types, generated from the Rust types. `npm run types` compiles this file
// with `tsc --noEmit --strict`; every `@ts-expect-error` below must really be an error, so
// the test fails if a type degrades to `any`.
import init, {
  Simulation,
  type StepView,
  type Report,
  type MessageView,
  type OrderView,
  type ReplayView,
  type WiringView,
  type Config,
  type MessageType,
} from "../../www/pkg/brigade.js";

export async function check(): Promise<void> {
  await init();
  const sim = new Simulation({ seed: 7, orders: 3 });
  const step: StepView | undefined = sim.step();
  if (step) {
    const outputs: Array<{ type: MessageType; at_ms: number }> = step.outputs;
    const status: string = step.outputs[0]?.status ?? "none";
    void outputs;
    void status;
  }
  const report: Report = sim.report();
  const completed: number = report.completed;
  const stuck: number[] = report.stuck_orders;
  const messages: MessageView[] = sim.messages(0, 10);
  const first: string = messages[0].correlation_id;
  const counted = sim.publishedCounts(0, 10);
  const countedType: MessageType = counted[0].type;
  const counts: number = counted[0].count;
  // @ts-expect-error a count is a number, not a string
  const countText: string = counted[0].count;
  void [countedType, counts, countText];
  const orders: OrderView[] = sim.orders(undefined, undefined);
  const replay: ReplayView = sim.replay(first, undefined, undefined);
  const same: boolean = replay.steps[0].same_as_history;
  const wiring: WiringView = sim.wiring();
  const arrows = wiring.links.map((l) => `${l.from} → ${l.to}: ${l.type}`);
  const config: Config = sim.config();
  const seed: number = config.seed;
  const headless: Report = Simulation.runHeadless({ orders: 2 });
  void [completed, stuck, orders, same, arrows, seed, headless];

  // @ts-expect-error a report is not a number
  const wrong: number = sim.report();
  // @ts-expect-error a step's outputs have no `colour`
  void step?.outputs[0].colour;
  // @ts-expect-error message types are the workshop's names
  const t: MessageType = "OrderCooked";
  // @ts-expect-error seek takes a number
  sim.seek("3");
  void [wrong, t];
}
