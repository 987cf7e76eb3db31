// Takes the README's screenshot (docs/screenshot.png): the chaos preset at an eventful
// step, one order in the inspector. Needs the wasm package built and Debian's Chromium.
//
//   node scripts/screenshot.mjs [out.png] [step]
import { serve, launch, openPage, waitReady, slide } from "../tests/e2e/helpers.mjs";

const out = process.argv[2] ?? "docs/screenshot.png";
const step = Number(process.argv[3] ?? 260);
const server = await serve();
const browser = await launch();
try {
  const page = await openPage(browser, server.url);
  // the chaos preset, started the way the setup form starts a run
  await page.evaluate(() => {
    const app = window.brigade;
    app.newRun(app.presets.find((p) => p.name === "chaos").config);
  });
  await waitReady(page);
  await slide(page, step);
  await waitReady(page);
  await page.screenshot({ path: out });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  server.close();
}
