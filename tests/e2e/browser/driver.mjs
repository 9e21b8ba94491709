// Drives the e2e app in headless Chromium (Debian's /usr/bin/chromium, never a download).
//
// Usage: node driver.mjs --app http://127.0.0.1:A/ --backend http://127.0.0.1:B --artifacts DIR
//
// For each runtime, a fresh browser profile opens the app and has one
// conversation: plain text, the frontend tool (get_weather, answered by the
// page), and two server-side tools (the calculator, search with sources). For
// every turn it checks the text parts of the last assistant message, the
// number of POSTs the page sent to the backend (a server-side tool must not
// make a stock frontend send again), and it fails on any console error,
// page error or failed request. Each runtime's page is screenshotted to
// DIR/<runtime>.png; DIR/results.json has the numbers. Exit code 1 on failure.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

const argv = process.argv.slice(2);
const option = (name) => {
  const index = argv.indexOf(`--${name}`);
  if (index < 0 || index + 1 >= argv.length) throw new Error(`missing --${name}`);
  return argv[index + 1];
};
const appUrl = option("app");
const backend = option("backend").replace(/\/$/, "");
const artifacts = option("artifacts");

const CHROMIUM = process.env.AUI_CHROMIUM ?? "/usr/bin/chromium";
// Without the background-networking flags Chromium phones home, and this
// closed network refuses it; the profile is fresh for every runtime.
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const TURN_TIMEOUT_MS = 20_000;
// A redundant resend follows the end of a stream at once; this long without
// a request in flight means the runtime has settled.
const QUIET_MS = 1_000;

const RUNTIMES = ["ai-sdk", "data-stream", "assistant-transport"];

const SCENARIOS = [
  { name: "plain text", prompt: "hello there", texts: ["You said: hello there"], requests: 1 },
  {
    name: "frontend tool",
    prompt: "weather in Paris",
    texts: ["Let me check the weather for you.", "It is 18°C and sunny in Paris."],
    requests: 2,
    weatherCalls: ["Paris"],
    tools: ["get_weather"],
  },
  { name: "server-side tool", prompt: "what is 6 * 7", texts: ["6 * 7 = 42."], requests: 1, tools: ["calculator"] },
  {
    name: "server-side tool with sources",
    prompt: "search python",
    texts: [
      "I searched for 'python'. The encyclopedia has an overview [1], and the assistant-ui documentation explains the runtimes [2].",
    ],
    requests: 1,
    tools: ["search"],
    sources: 2,
  },
];

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function runRuntime(runtime) {
  const profile = await mkdtemp(join(tmpdir(), "aui-e2e-profile-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 900, height: 1000 },
  });
  const problems = [];
  const posts = [];
  let inFlight = 0;
  let lastActivity = Date.now();
  const isBackendPost = (request) => request.method() === "POST" && request.url().startsWith(backend);
  const results = { runtime, scenarios: [], problems };
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(`console error: ${message.text()}`);
    });
    page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
    page.on("request", (request) => {
      if (!isBackendPost(request)) return;
      posts.push(new URL(request.url()).pathname);
      inFlight += 1;
      lastActivity = Date.now();
    });
    const settle = (request) => {
      if (!isBackendPost(request)) return;
      inFlight -= 1;
      lastActivity = Date.now();
    };
    page.on("requestfinished", settle);
    page.on("requestfailed", (request) => {
      problems.push(`request failed: ${request.method()} ${request.url()} ${request.failure()?.errorText}`);
      settle(request);
    });

    const url = new URL(appUrl);
    url.searchParams.set("runtime", runtime);
    url.searchParams.set("backend", backend);
    await page.goto(url.toString());
    await page.getByTestId("input").waitFor({ timeout: TURN_TIMEOUT_MS });

    for (const scenario of SCENARIOS) {
      const before = posts.length;
      const weatherBefore = await page.evaluate(() => window.__weatherCalls.length);
      await page.getByTestId("input").fill(scenario.prompt);
      await page.getByTestId("send").click();
      const last = page.getByTestId("assistant").last();
      const texts = async () => (await last.getByTestId("text").allInnerTexts()).map((t) => t.trim());
      // Wait for the expected answer, then for the network to go quiet.
      const deadline = Date.now() + TURN_TIMEOUT_MS;
      const finalText = scenario.texts.at(-1);
      while (Date.now() < deadline) {
        const now = (await page.getByTestId("user").count()) > 0 ? await texts().catch(() => []) : [];
        if (now.includes(finalText) && inFlight === 0 && Date.now() - lastActivity >= QUIET_MS) break;
        await sleep(100);
      }
      const got = {
        name: scenario.name,
        prompt: scenario.prompt,
        texts: await texts(),
        requests: posts.length - before,
        paths: posts.slice(before),
        tools: await last.getByTestId("tool").allInnerTexts(),
        sources: await last.getByTestId("source").count(),
        weatherCalls: (await page.evaluate(() => window.__weatherCalls)).slice(weatherBefore),
      };
      got.failures = check(scenario, got);
      results.scenarios.push(got);
    }
    await page.screenshot({ path: join(artifacts, `${runtime}.png`), fullPage: true });
  } finally {
    await context.close();
    await rm(profile, { recursive: true, force: true });
  }
  return results;
}

function check(scenario, got) {
  const failures = [];
  if (JSON.stringify(got.texts) !== JSON.stringify(scenario.texts)) {
    failures.push(`text parts ${JSON.stringify(got.texts)}, expected ${JSON.stringify(scenario.texts)}`);
  }
  if (got.requests !== scenario.requests) {
    failures.push(`${got.requests} requests (${got.paths.join(", ")}), expected ${scenario.requests}`);
  }
  const expectedCalls = scenario.weatherCalls ?? [];
  if (JSON.stringify(got.weatherCalls) !== JSON.stringify(expectedCalls)) {
    failures.push(`get_weather ran for ${JSON.stringify(got.weatherCalls)}, expected ${JSON.stringify(expectedCalls)}`);
  }
  for (const name of scenario.tools ?? []) {
    const shown = got.tools.find((t) => t.includes(name));
    if (!shown) failures.push(`no ${name} tool call rendered (${JSON.stringify(got.tools)})`);
    else if (!shown.includes("→")) failures.push(`the ${name} tool call has no result: ${shown}`);
  }
  if ((scenario.sources ?? 0) !== got.sources) {
    failures.push(`${got.sources} sources rendered, expected ${scenario.sources ?? 0}`);
  }
  return failures;
}

await mkdir(artifacts, { recursive: true });
const all = [];
let failed = false;
for (const runtime of RUNTIMES) {
  const started = Date.now();
  let result;
  try {
    result = await runRuntime(runtime);
  } catch (error) {
    result = { runtime, scenarios: [], problems: [`driver error: ${error.stack ?? error}`] };
  }
  result.seconds = (Date.now() - started) / 1000;
  all.push(result);
  for (const scenario of result.scenarios) {
    const ok = scenario.failures.length === 0;
    failed ||= !ok;
    console.log(
      `${ok ? "ok  " : "FAIL"} ${runtime.padEnd(19)} ${scenario.name.padEnd(30)} requests=${scenario.requests}` +
        (ok ? "" : `\n       ${scenario.failures.join("\n       ")}`),
    );
  }
  for (const problem of result.problems) console.log(`FAIL ${runtime.padEnd(19)} ${problem}`);
  failed ||= result.problems.length > 0 || result.scenarios.length !== SCENARIOS.length;
  console.log(`     ${runtime.padEnd(19)} screenshot ${join(artifacts, `${runtime}.png`)} (${result.seconds.toFixed(1)} s)`);
}
await writeFile(join(artifacts, "results.json"), JSON.stringify(all, null, 1) + "\n");
process.exit(failed ? 1 : 0);
