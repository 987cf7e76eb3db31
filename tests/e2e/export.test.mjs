// Diagrams for slides (issue 14): the causation tree and the floor at the current step
// download as standalone SVG files in the page's colours (light or dark, as shown), and a
// lost message is marked by more than colour (words, a cross, a dash pattern).

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile, writeFile, mkdir } from "node:fs/promises";
import path from "node:path";
import { browserSuite, openPage, settle, slide, screenshot, results, waitReady, injectAxe } from "./helpers.mjs";

const ctx = browserSuite();
const { skip } = ctx;

async function downloaded(p, testid) {
  const [download] = await Promise.all([p.waitForEvent("download"), p.getByTestId(testid).click()]);
  return { name: download.suggestedFilename(), text: await readFile(await download.path(), "utf8") };
}

/** What a downloaded SVG holds, read by the browser's XML parser. */
function parse(p, text, panel) {
  return p.evaluate(([t, sel]) => {
    const doc = new DOMParser().parseFromString(t, "image/svg+xml");
    const root = doc.documentElement;
    const texts = [...doc.querySelectorAll("text")].map((n) => n.textContent);
    const fills = [...doc.querySelectorAll("text")].map((n) => n.getAttribute("style") ?? "").filter((s) => /fill:rgb/.test(s));
    return {
      error: doc.querySelector("parsererror")?.textContent ?? null,
      root: root.localName,
      ns: root.namespaceURI,
      width: Number(root.getAttribute("width")),
      height: Number(root.getAttribute("height")),
      texts,
      all: texts.join(" "),
      classes: doc.querySelectorAll("[class]").length,
      background: root.querySelector("rect")?.getAttribute("style") ?? "",
      fills,
      pageBg: getComputedStyle(document.querySelector(sel)).backgroundColor,
    };
  }, [text, panel]);
}

/** The mean of a text fill's red, green and blue. */
function lightness(style) {
  const rgb = style.match(/fill:rgb\((\d+), (\d+), (\d+)\)/).slice(1).map(Number);
  return rgb.reduce((a, b) => a + b, 0) / 3;
}

/** The checks every exported SVG passes: XML, an <svg> root, colours inline, the page's ground. */
function assertStandalone(parsed, colorScheme) {
  assert.equal(parsed.error, null, "the SVG parses as XML");
  assert.equal(parsed.root, "svg");
  assert.equal(parsed.ns, "http://www.w3.org/2000/svg");
  assert.ok(parsed.width > 100 && parsed.height > 50, `a real size: ${parsed.width}×${parsed.height}`);
  assert.equal(parsed.classes, 0, "no class left to a stylesheet: the colours are inline");
  assert.ok(parsed.background.includes(parsed.pageBg), `background ${parsed.background} is the page's ${parsed.pageBg}`);
  // most text is the page's main colour: light on dark, dark on light
  const ls = parsed.fills.map(lightness).sort((a, b) => a - b);
  const median = ls[Math.floor(ls.length / 2)];
  if (colorScheme === "dark") assert.ok(median > 128, `light text in dark (${median})`);
  else assert.ok(median < 128, `dark text in light (${median})`);
}

/** Keep the file and a screenshot of it opened on its own, as a slide would show it. */
async function look(p, file, name) {
  await mkdir(results, { recursive: true });
  await writeFile(path.join(results, `${name}.svg`), file.text);
  const alone = await p.context().newPage();
  await alone.goto(`file://${path.join(results, `${name}.svg`)}`);
  const size = await alone.evaluate(() => ({ w: document.documentElement.getAttribute("width"), h: document.documentElement.getAttribute("height") }));
  await alone.setViewportSize({ width: Math.min(1600, Math.ceil(Number(size.w))), height: Math.min(1400, Math.ceil(Number(size.h))) });
  await screenshot(alone, name);
  await alone.close();
}

for (const colorScheme of ["light", "dark"]) {
  test(`the causation tree downloads as a standalone SVG naming every message (${colorScheme})`, { skip }, async () => {
    const p = (ctx.page = await openPage(ctx.browser, ctx.server.url, { colorScheme }));
    await slide(p, 200);
    const corr = await p.evaluate(() => window.brigade.sim.orders()[0].correlation_id);
    await p.evaluate((c) => window.brigade.selectOrder(c), corr);
    await p.getByTestId("tab-tree").click();
    await settle(p);
    const types = await p.evaluate((c) => window.brigade.sim.orderStream(c).map((m) => m.type), corr);
    assert.ok(types.length >= 5, "the order has several messages");
    const file = await downloaded(p, "export-tree-svg");
    assert.match(file.name, /^brigade-order-[0-9a-f]{8}-causation\.svg$/);
    const parsed = await parse(p, file.text, ".inspector-panel");
    assertStandalone(parsed, colorScheme);
    for (const type of types) assert.ok(parsed.texts.includes(type), `the tree names ${type}`);
    // one line per message, with its seq, time and publisher, as the page shows it
    const lines = parsed.texts.filter((t) => /^seq \d+ · /.test(t));
    assert.equal(lines.length, types.length, "every message's details");
    assert.ok(parsed.texts.includes("EVT") && parsed.texts.includes("CMD"), "kind chips in words");
    assert.match(parsed.all, /Causation tree · order #\d+ · table \d+/);
    await look(p, file, `export-tree-${colorScheme}`);
  });

  test(`the floor at the current step downloads as a standalone SVG with every actor (${colorScheme})`, { skip }, async () => {
    const p = (ctx.page = await openPage(ctx.browser, ctx.server.url, { colorScheme }));
    await slide(p, 57);
    const actors = await p.evaluate(() => window.brigade.sim.actors().map((a) => ({ name: a.name, queue: a.queue ?? 0 })));
    assert.ok(actors.length >= 6, "a kitchen of several actors");
    assert.ok(actors.some((a) => a.queue > 0), "someone has a queue at this step");
    const arrow = await p.getByTestId("floor-arrow").first().evaluate((g) => g.querySelector("text").textContent);
    const caption = (await p.getByTestId("step-caption").textContent()).trim();
    const file = await downloaded(p, "export-floor-svg");
    assert.equal(file.name, "brigade-floor-step-57.svg");
    const parsed = await parse(p, file.text, ".floor-panel");
    assertStandalone(parsed, colorScheme);
    for (const a of actors) assert.ok(parsed.texts.includes(a.name), `the floor names ${a.name}`);
    // each box says its queue: "queue" then the length, as on the page
    const queues = parsed.texts.filter((t) => t === "queue").length;
    assert.equal(queues, actors.length, "one queue length per actor");
    const shownQueues = await p.getByTestId("queue-length").evaluateAll((ns) => ns.map((n) => n.textContent).sort().join(","));
    assert.equal(shownQueues, actors.map((a) => String(a.queue)).sort().join(","));
    for (const a of actors) assert.ok(parsed.texts.includes(String(a.queue)), `queue length ${a.queue} is written`);
    assert.ok(parsed.texts.includes(arrow), `the step's message ${arrow}`);
    assert.match(parsed.all, /^FLOOR /, "the panel's title");
    assert.ok(parsed.all.includes("Step 57"), "the step caption");
    assert.ok(caption.startsWith("Step 57"));
    assert.ok(!/<animate/.test(file.text), "no animation in a slide");
    const cookTimes = await p.getByTestId("cook-ms").evaluateAll((ns) => ns.map((n) => `cooks in ${n.value} ms`));
    for (const t of cookTimes) assert.ok(parsed.texts.includes(t), `a cook's time: ${t}`);
    await look(p, file, `export-floor-${colorScheme}`);
  });
}

test("a lost message is marked by words and a dash pattern, not by colour alone", { skip }, async () => {
  const p = (ctx.page = await openPage(ctx.browser, ctx.server.url));
  await p.getByTestId("preset-bar").selectOption("chaos");
  await waitReady(p);
  await p.getByTestId("run-to-end").click();
  await waitReady(p);
  const lost = await p.evaluate(() => {
    const sim = window.brigade.sim;
    for (const s of sim.steps(1, sim.totalSteps() + 1)) {
      const f = (s.faults ?? []).find((x) => x.fault === "drop");
      if (f) return { ...f, corr: sim.message(f.seq).correlation_id, type: sim.message(f.seq).type };
    }
    return null;
  });
  assert.ok(lost, "chaos loses a message");
  await p.evaluate((c) => window.brigade.selectOrder(c), lost.corr);
  await p.getByTestId("tab-seq").click();
  await settle(p);
  // the sequence diagram: the arrow stops short, crossed, dashed, and says "lost"
  // (one arrow per delivery: the lost one is the arrow marked as such)
  const seq = await p.locator(`[data-testid=sequence-diagram] g[data-seq="${lost.seq}"][data-fault=drop]`).evaluate((g) => ({
    fault: g.dataset.fault, text: g.querySelector("text").textContent,
    dash: getComputedStyle(g.querySelector("line")).strokeDasharray, cross: Boolean(g.querySelector("path")),
  }));
  assert.equal(seq.fault, "drop");
  assert.match(seq.text, /✕ lost/);
  assert.notEqual(seq.dash, "none", "a dash pattern");
  assert.ok(seq.cross, "a cross where it was lost");
  const file = await downloaded(p, "export-svg");
  assert.ok(file.text.includes("✕ lost"), "the exported diagram says lost");
  assert.match(file.text, /stroke-dasharray:\s*2px,?\s*3px/, "and keeps the lost arrow's dashes");
  // the log: a chip with words on the message's row
  await p.getByTestId("filter-order").focus();
  await p.getByTestId("filter-order").selectOption(lost.corr);
  await settle(p);
  const row = p.locator(`[data-testid=message-row]:has([data-fault=drop])`).first();
  assert.match(await row.locator("[data-testid=log-fault]").first().textContent(), /✕ lost/);
  // the causation tree too
  await p.getByTestId("tab-tree").click();
  await settle(p);
  const node = p.locator(`[data-testid=tree-node][data-seq="${lost.seq}"]`);
  assert.match(await node.locator("[data-testid=tree-fault]").first().textContent(), /✕ lost/);
});

test("the queue chart tells its lines apart by dash pattern too, and has a table of its numbers", { skip }, async () => {
  const p = (ctx.page = await openPage(ctx.browser, ctx.server.url));
  await slide(p, 120);
  const legend = await p.locator("#chart-legend [data-actor]").evaluateAll((items) => items.map((b) => ({
    name: b.dataset.actor, dash: b.querySelector("line").getAttribute("stroke-dasharray") ?? "solid",
  })));
  assert.ok(legend.length >= 3, "several queues drawn");
  const firstEight = legend.slice(0, 8);
  const table = await p.getByTestId("chart-table").evaluate((d) => ({
    summary: d.querySelector("summary").textContent,
    caption: d.querySelector("caption").textContent,
    rows: [...d.querySelectorAll("tbody tr[data-actor]")].map((r) => [...r.children].map((c) => c.textContent)),
  }));
  assert.equal(table.summary, "the chart as a table");
  assert.equal(table.caption, "Queue lengths up to step 120");
  assert.deepEqual(table.rows.map((r) => r[0]).sort(), legend.map((l) => l.name).sort(), "a row per line of the chart");
  const queues = await p.evaluate(() => Object.fromEntries(window.brigade.sim.actors().map((a) => [a.name, a.queue ?? 0])));
  for (const [name, now, peak, at] of table.rows) {
    assert.equal(Number(now), queues[name], `${name}'s queue now`);
    assert.ok(Number(peak) >= 1 && Number(peak) >= Number(now), `${name}'s longest queue`);
    assert.match(at, /^\d+(\.\d+)? s$/);
  }
  const actorsIndex = await p.evaluate(() => window.brigade.sim.queueSamples(300).actors);
  // a colour-blind reader matches a line by its pattern: eight patterns, one per actor index
  const byIndex = new Map(firstEight.map((l) => [actorsIndex.indexOf(l.name) % 8, l.dash]));
  assert.equal(new Set(byIndex.values()).size, byIndex.size, "different actors (mod 8), different patterns");
});

test("axe: the export buttons, the chart's table open, a causation tree with a lost message", { skip }, async () => {
  const p = (ctx.page = await openPage(ctx.browser, ctx.server.url, { colorScheme: "dark" }));
  await p.getByTestId("preset-bar").selectOption("chaos");
  await waitReady(p);
  const lost = await p.evaluate(() => {
    const sim = window.brigade.sim;
    const at = sim.currentStep();
    sim.seek(sim.totalSteps());
    const f = sim.steps(1, sim.totalSteps() + 1).flatMap((s) => (s.faults ?? []).map((x) => ({ ...x, step: s.step }))).find((x) => x.fault === "drop");
    const corr = sim.message(f.seq).correlation_id;
    sim.seek(at);
    return { step: f.step, corr };
  });
  await slide(p, lost.step);
  await p.evaluate((c) => window.brigade.selectOrder(c), lost.corr);
  await p.getByTestId("tab-tree").click();
  await p.locator("#chart-table summary").click();
  await settle(p);
  assert.equal(await p.locator("[data-testid=tree-fault][data-fault=drop]").count(), 1, "the lost message's node says so");
  assert.match(await p.locator("[data-testid=tree-node][aria-current=step]").textContent(), /delivered at this step/);
  await injectAxe(p);
  const result = await p.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
  const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")}`);
  assert.deepEqual(bad, []);
});
