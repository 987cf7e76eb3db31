// For teachers (issue 14): diagrams for slides (the sequence diagram as Mermaid text and as
// a standalone SVG in the page's colours), the embed view for an <iframe>, and the share
// action's links.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile, writeFile, mkdir } from "node:fs/promises";
import path from "node:path";
import { browserSuite, openPage, settle, slide, screenshot, results } from "./helpers.mjs";

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
