// A message shed at a full mailbox (issue 22's bounded mailboxes) is named as such on the
// page: its chip says "shed" (not "×2"), and the Faults tab says why.

import { test } from "node:test";
import assert from "node:assert/strict";
import { browserSuite, openPage, settle } from "./helpers.mjs";

const ctx = browserSuite();
const { skip } = ctx;

test("a shed delivery is named as shed in the Faults tab, with its reason", { skip }, async () => {
  const config = { orders: 12, mailbox_limits: { cook: { max: 1, policy: "drop-newest" } } };
  const p = await openPage(ctx.browser, `${ctx.server.url}#config=${encodeURIComponent(JSON.stringify(config))}`);
  ctx.page = p;
  await settle(p);
  await p.getByTestId("run-to-end").click();
  await settle(p);
  await p.getByTestId("tab-faults").click();
  await settle(p);
  const item = p.locator("[data-testid=fault-item][data-fault=shed]").first();
  await item.waitFor();
  const words = await item.textContent();
  assert.match(words, /✕ shed/);
  assert.match(words, /shed: the .+'s mailbox was full/);
  assert.doesNotMatch(words, /×2|delivered twice/);
});
