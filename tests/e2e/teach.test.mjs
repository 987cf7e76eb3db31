// For teachers (issue 14): diagrams for slides (the sequence diagram as Mermaid text and as
// a standalone SVG in the page's colours), the embed view for an <iframe>, and the share
// action's links.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile, writeFile, mkdir } from "node:fs/promises";
import path from "node:path";
import { browserSuite, openPage, settle, slide, screenshot, results, waitForUrlState } from "./helpers.mjs";

const ctx = browserSuite();
const { skip } = ctx;

async function downloaded(p, testid) {
  const [download] = await Promise.all([p.waitForEvent("download"), p.getByTestId(testid).click()]);
  return { name: download.suggestedFilename(), text: await readFile(await download.path(), "utf8") };
}

for (const colorScheme of ["light", "dark"]) {
  test(`the sequence diagram downloads as Mermaid text and as a standalone SVG (${colorScheme})`, { skip }, async () => {
    const p = (ctx.page = await openPage(ctx.browser, ctx.server.url, { colorScheme }));
    await slide(p, 200);
    // pin the order of the current step, then show its sequence diagram
    const corr = await p.evaluate(() => window.brigade.sim.orders()[0].correlation_id);
    await p.evaluate((c) => window.brigade.selectOrder(c), corr);
    await p.getByTestId("tab-seq").click();
    await settle(p);
    const ids = await p.evaluate((c) => window.brigade.sim.orderStream(c).map((m) => m.id), corr);
    assert.ok(ids.length >= 3, "the order has several messages");

    const mermaid = await downloaded(p, "export-mermaid");
    assert.match(mermaid.name, /\.mmd$/);
    assert.ok(mermaid.text.startsWith("sequenceDiagram"), mermaid.text.slice(0, 40));
    for (const id of ids) assert.ok(mermaid.text.includes(id.slice(0, 8)), `the Mermaid text names message ${id}`);
    assert.equal(mermaid.text, await p.evaluate((c) => window.brigade.sim.mermaid(c), corr));

    const svgFile = await downloaded(p, "export-svg");
    assert.match(svgFile.name, /\.svg$/);
    const parsed = await p.evaluate((text) => {
      const doc = new DOMParser().parseFromString(text, "image/svg+xml");
      const root = doc.documentElement;
      return {
        error: doc.querySelector("parsererror")?.textContent ?? null,
        root: root.localName,
        ns: root.namespaceURI,
        arrows: doc.querySelectorAll("g").length,
        background: root.querySelector("rect")?.getAttribute("style") ?? "",
        classes: doc.querySelectorAll("[class]").length,
        textFill: [...doc.querySelectorAll("text")].map((t) => t.getAttribute("style")).find(Boolean) ?? "",
        pageBg: getComputedStyle(document.querySelector(".inspector-panel")).backgroundColor,
      };
    }, svgFile.text);
    assert.equal(parsed.error, null, "the SVG parses as XML");
    assert.equal(parsed.root, "svg");
    assert.equal(parsed.ns, "http://www.w3.org/2000/svg");
    assert.ok(parsed.arrows >= ids.length, "one group per message");
    assert.equal(parsed.classes, 0, "no class left to a stylesheet: the colours are inline");
    assert.ok(parsed.background.includes(parsed.pageBg), `background ${parsed.background} is the page's ${parsed.pageBg}`);
    assert.match(parsed.textFill, /fill:rgb/);
    // dark shows light text on a dark ground, light the other way round
    const fill = parsed.textFill.match(/fill:rgb\((\d+), (\d+), (\d+)\)/).slice(1).map(Number);
    const lum = fill.reduce((a, b) => a + b, 0) / 3;
    if (colorScheme === "dark") assert.ok(lum > 128, `light text in dark: ${parsed.textFill}`);
    else assert.ok(lum < 128, `dark text in light: ${parsed.textFill}`);
    // the file on its own, as a slide would show it
    await mkdir(results, { recursive: true });
    await writeFile(path.join(results, `teach-sequence-${colorScheme}.svg`), svgFile.text);
    const alone = await p.context().newPage();
    await alone.setContent(svgFile.text.replace(/^<\?xml[^>]*>/, ""));
    await screenshot(alone, `teach-sequence-${colorScheme}`);
    await alone.close();
  });
}

/** Which parts of the page are shown (a box of some size, not hidden). */
function shown(p) {
  return p.evaluate(() => {
    const visible = (sel) => [...document.querySelectorAll(sel)].some((n) => {
      const r = n.getBoundingClientRect();
      return r.width > 0 && r.height > 0 && getComputedStyle(n).visibility !== "hidden";
    });
    const parts = {
      floor: "[data-testid=floor]", caption: "[data-testid=step-caption]", timeline: "[data-testid=timeline]",
      stepForward: "[data-testid=step-forward]", stepBack: "[data-testid=step-back]", play: "[data-testid=play]",
      open: "[data-testid=embed-open]",
      topbar: ".topbar", setup: "[data-testid=setup]", log: "[data-testid=log]", inspector: "[data-testid=inspector]",
      report: "[data-testid=report]", placeOrder: "[data-testid=place-order]", faults: "[data-testid=fault-next]",
      hire: "[data-testid=hire-cook]", tour: "#tour", branches: "[data-testid=branches]",
    };
    return Object.fromEntries(Object.entries(parts).map(([k, sel]) => [k, visible(sel)]));
  });
}

const ONLY_EMBED = { floor: true, caption: true, timeline: true, stepForward: true, stepBack: true, play: true, open: true,
  topbar: false, setup: false, log: false, inspector: false, report: false, placeOrder: false, faults: false, hire: false, tour: false, branches: false };

for (const viewport of [{ width: 480, height: 320 }, { width: 1280, height: 720 }]) {
  test(`the embed view at ${viewport.width}×${viewport.height} shows the floor, the time control and the caption only`, { skip }, async () => {
    const config = encodeURIComponent(JSON.stringify({ seed: 7, orders: 3 }));
    const p = (ctx.page = await openPage(ctx.browser, `${ctx.server.url}#config=${config}&embed`, { viewport }));
    assert.deepEqual(await shown(p), ONLY_EMBED);
    // the time control works, and the address keeps &embed when the page rewrites it
    await p.getByTestId("step-forward").click();
    await p.getByTestId("step-forward").click();
    await waitForUrlState(p, { s: 2 });
    assert.ok((await p.evaluate(() => location.hash)).endsWith("&embed"), "the rewritten address keeps &embed");
    assert.equal(await p.getByTestId("current-step").textContent(), "2");
    assert.notEqual((await p.getByTestId("step-caption").textContent()).trim(), "");
    const inView = await p.getByTestId("step-caption").evaluate((n) => {
      const r = n.getBoundingClientRect();
      return r.top >= 0 && r.bottom <= innerHeight + 1 && r.height > 0;
    });
    assert.ok(inView, "the step caption is in view without scrolling");
    assert.equal(await p.locator(".cook-controls").first().isVisible(), false, "no kitchen inputs in the embed");
    const link = await p.getByTestId("embed-open").evaluate((a) => ({ href: a.href, target: a.target, hash: location.hash }));
    assert.equal(link.target, "_blank");
    assert.equal(link.href, `${ctx.server.url}${link.hash.replace(/&embed$/, "")}`, "open in brigade: the same state without &embed");
    // the full page at that address shows the same step
    const full = await openPage(ctx.browser, link.href, { viewport });
    assert.equal(await full.getByTestId("current-step").textContent(), "2");
    assert.equal((await shown(full)).log, true);
    assert.deepEqual(full.problems, []);
    await full.context().close();
    await screenshot(p, `teach-embed-${viewport.width}x${viewport.height}`);
  });
}

test("a tour stop and a bare address open as embeds too", { skip }, async () => {
  const p = (ctx.page = await openPage(ctx.browser, `${ctx.server.url}#tour=2.1&embed`, { viewport: { width: 640, height: 400 } }));
  await p.waitForFunction(() => location.hash.startsWith("#tour=") && location.hash.endsWith("&embed"));
  assert.deepEqual(await shown(p), ONLY_EMBED);
  await p.goto(`${ctx.server.url}#&embed`);
  await p.reload();
  await p.waitForFunction(() => document.body.dataset.ready === "true");
  assert.deepEqual(await shown(p), ONLY_EMBED);
});

test("the share action offers the link, the embed snippet and the link at this step; the snippet works in an iframe", { skip }, async () => {
  const p = (ctx.page = await openPage(ctx.browser, ctx.server.url));
  await slide(p, 40);
  await p.getByTestId("share").click();
  const t = await p.evaluate(() => ({
    link: document.querySelector("[data-testid=share-link]").value,
    embed: document.querySelector("[data-testid=share-embed]").value,
    step: document.querySelector("[data-testid=share-step-link]").value,
    hash: location.hash,
  }));
  assert.equal(t.step, `${ctx.server.url}${t.hash}`);
  assert.ok(t.link.startsWith(`${ctx.server.url}#run=`));
  assert.notEqual(t.link, t.step, "the run's link opens at its start");
  assert.equal(t.embed, `<iframe src="${t.step}&embed" width="640" height="400" title="brigade"></iframe>`);
  await p.getByTestId("copy-embed").click();
  await p.waitForFunction(() => document.querySelector("[data-testid=copy-embed] + .copied").textContent !== "");
  await p.getByTestId("share-close").click();
  // the snippet on a plain page
  await mkdir(path.join(results, "teach-page"), { recursive: true });
  const host = await p.context().newPage();
  await host.setViewportSize({ width: 800, height: 560 });
  await host.goto(`${ctx.server.url}nothing-here`);
  await host.setContent(`<!doctype html><html><body style="font-family:serif;margin:24px"><h1>Lesson 3: the kitchen at step 40</h1>${t.embed}<p>What does the cook do next?</p></body></html>`);
  const frame = host.frameLocator("iframe");
  await frame.locator("body[data-ready=true]").waitFor({ timeout: 30000 });
  await host.waitForFunction(() => !document.querySelector("iframe").contentWindow.brigade?.growing);
  assert.equal(await frame.getByTestId("current-step").textContent(), "40");
  assert.equal(await frame.getByTestId("log").isVisible(), false);
  assert.equal(await frame.getByTestId("embed-open").isVisible(), true);
  await screenshot(host, "teach-embed-in-iframe");
  await host.close();
});
