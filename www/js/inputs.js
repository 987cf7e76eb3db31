// The user's inputs as the facade records them (`sim.inputs()`, the run file's `inputs`):
// how to apply one again (replaying a link or a branch) and how to name one for a person.

/** Apply one recorded action at the simulation's cursor; throws the facade's Error on bad input. */
export function applyInput(sim, action) {
  switch (action?.type) {
    case "PlaceOrder": return sim.placeOrder({ dodgy: Boolean(action.dodgy) });
    case "SetProcessVersion": return sim.setProcessVersion(action.version);
    case "DropMessage": return sim.dropMessage(target(action));
    case "DuplicateMessage": return sim.duplicateMessage(target(action));
    case "DelayMessage": return sim.delayMessage(target(action), undefined, action.ms);
    case "CookLeaves": return sim.cookLeaves(action.cook);
    case "CookReturns": return sim.cookReturns(action.cook);
    case "HireCook": return sim.hireCook(action.name, action.ms);
    case "SetCookTime": return sim.setCookTime(action.cook, action.ms);
    case "WorkerLeaves": return sim.workerLeaves(action.worker);
    case "WorkerReturns": return sim.workerReturns(action.worker);
    case "HireWorker": return sim.hireWorker(action.role, action.name, action.ms);
    case "SetWorkerTime": return sim.setWorkerTime(action.worker, action.ms);
    case "Crash": return sim.crash(action.actor);
    case "PoisonMessage": return sim.poisonMessage(action.seq, action.actor);
    case "RedeliverMessage": return sim.redeliverMessage(action.seq);
    case "MigrateOrder": return sim.migrateOrder(action.order, action.version);
    case "MigrateOrders": return sim.migrateOrders(action.definition, action.version);
    default: throw new Error(`an input has an unknown action: ${JSON.stringify(action?.type)}`);
  }
}

/** The facade's target for a message fate: a waiting message ({ seq, copy, actor }) or one in flight ({ output, actor }). */
function target(action) {
  if (action.output !== undefined && action.output !== null) return { output: action.output, actor: action.actor };
  const t = { seq: action.seq, actor: action.actor };
  if (action.copy !== undefined && action.copy !== null) t.copy = action.copy;
  return t;
}

/**
 * A short name for what an input changed: "dropped CookFood for Koen" (a branch's name adds
 * its step). `type` is the message's type when the action is a message's fate.
 */
export function describeEdit(action, type = "a message") {
  switch (action.type) {
    case "PlaceOrder": return `${action.dodgy ? "dodgy order" : "order"} placed`;
    case "SetProcessVersion": return `new orders on v${action.version}`;
    case "DropMessage": return `dropped ${type} for ${action.actor}`;
    case "DuplicateMessage": return `duplicated ${type} for ${action.actor}`;
    case "DelayMessage": return `delayed ${type} for ${action.actor} by ${action.ms} ms`;
    case "CookLeaves": return `${action.cook} walked out`;
    case "CookReturns": return `${action.cook} came back`;
    case "HireCook": return `hired ${action.name} (${action.ms} ms)`;
    case "SetCookTime": return `${action.cook} cooks in ${action.ms} ms`;
    case "WorkerLeaves": return `${action.worker} sent away`;
    case "WorkerReturns": return `${action.worker} came back`;
    case "HireWorker": return `hired ${action.name}, ${action.role.replace(/-/g, " ")} (${action.ms} ms)`;
    case "SetWorkerTime": return `${action.worker} takes ${action.ms} ms`;
    case "Crash": return `${action.actor} crashed`;
    case "PoisonMessage": return `${type} poison for ${action.actor}`;
    case "RedeliverMessage": return `re-delivered dead letter #${action.seq}`;
    case "MigrateOrder": return `order ${action.order} moved to v${action.version}`;
    case "MigrateOrders": return `live ${action.definition} orders moved to v${action.version}`;
    default: return `${action.type}`;
  }
}
