// Produces bodies with the TypeScript encoders of npm assistant-stream.
//
// Usage: node gen_ts_corpus.mjs <output-dir>
//
// Every scenario drives `createAssistantStream` through its controller (the
// API a TypeScript backend uses) and serialises the result with
// `DataStreamEncoder`, `AssistantTransportEncoder` and `PlainTextEncoder`.
// These are the *current* framings (isFinal frames, approvals, preliminary
// results, reasoning summaries, error codes), which the published Python
// encoders do not produce. Writes `<id>.<encoding>.bin` files and
// `ts-manifest.json`.
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  AssistantStream,
  AssistantTransportEncoder,
  DataStreamEncoder,
  PlainTextEncoder,
  createAssistantStream,
} from "assistant-stream";

const scenarios = {
  "ts-text-reasoning-summary": (c) => {
    c.appendReasoning("thinking", { unstable_summary: "Planning" });
    c.appendReasoning(" more");
    c.appendText("Hello");
    c.appendText(" world");
    c.appendReasoning("", { unstable_summary: "" });
    c.appendText("!");
  },
  "ts-text-provider-metadata": (c) => {
    const text = c.addTextPart({ providerMetadata: { mock: { cached: true } } });
    text.append("cached text");
    text.close();
    c.appendText("plain");
  },
  "ts-tool-streamed-args": async (c) => {
    c.appendText("Searching.");
    const call = c.addToolCallPart({ toolName: "search", toolCallId: "t1" });
    call.argsText.append('{"q":');
    call.argsText.append('"cats", "n": 3}');
    call.argsText.close();
    await call.setResponse({ result: { hits: 2 }, artifact: { raw: [1, 2] } });
  },
  "ts-tool-no-args": async (c) => {
    const call = c.addToolCallPart({ toolName: "now", toolCallId: "t_now" });
    await call.setResponse({ result: "12:00" });
  },
  "ts-tool-args-object": async (c) => {
    const call = c.addToolCallPart({ toolName: "calc", toolCallId: "t_calc", args: { a: 1, b: [2, 3] } });
    await call.setResponse({ result: 6, isError: false });
  },
  "ts-tool-error-result": async (c) => {
    const call = c.addToolCallPart({ toolName: "fail", toolCallId: "t_fail", argsText: '{"x":1}' });
    await call.setResponse({ result: "it broke", isError: true });
  },
  "ts-tool-preliminary": async (c) => {
    const call = c.addToolCallPart({ toolName: "job", toolCallId: "t_job", argsText: "{}" });
    await call.setResponse({ result: { pct: 50 }, isPreliminary: true });
    await call.setResponse({ result: { pct: 100 }, isPreliminary: true });
    await call.setResponse({ result: { done: true }, messages: [{ role: "tool", note: "x" }] });
  },
  "ts-tool-preliminary-only": async (c) => {
    const call = c.addToolCallPart({ toolName: "job", toolCallId: "t_job2", argsText: "{}" });
    await call.setResponse({ result: { pct: 10 }, isPreliminary: true });
    call.close();
  },
  "ts-tool-approval": (c) => {
    const call = c.addToolCallPart({ toolName: "delete", toolCallId: "t_del", argsText: '{"path":"/x"}' });
    call.setApproval({ id: "ap_1", prompt: "Delete /x?", isAutomatic: false });
    call.setApproval({ id: "ap_1", approved: true, reason: "user said yes" });
    // An open call keeps the stream open; closing it without a result is
    // how a TS backend hands a call to the client.
    call.close();
  },
  "ts-tool-open-client-side": (c) => {
    c.appendText("Asking the user.");
    const call = c.addToolCallPart({ toolName: "ask", toolCallId: "t_ask" });
    call.argsText.append('{"question":"Which');
    call.close();
  },
  "ts-tool-interleaved": async (c) => {
    const a = c.addToolCallPart({ toolName: "a", toolCallId: "ta" });
    const b = c.addToolCallPart({ toolName: "b", toolCallId: "tb" });
    a.argsText.append('{"n":');
    b.argsText.append('{"m":');
    c.appendText("between");
    a.argsText.append("1}");
    b.argsText.append("2}");
    await b.setResponse({ result: "B" });
    await a.setResponse({ result: "A" });
  },
  "ts-sources-files-data": (c) => {
    c.appendSource({ type: "source", sourceType: "url", id: "s1", url: "https://example.com", title: "Example" });
    c.appendSource({
      type: "source",
      sourceType: "document",
      id: "d1",
      title: "Report",
      mediaType: "application/pdf",
      filename: "r.pdf",
    });
    c.appendFile({ type: "file", data: "aGVsbG8=", mimeType: "text/plain" });
    c.appendData({ type: "data", name: "chart", data: { points: [1, 2] } });
    c.appendText("done");
  },
  "ts-parent-id": async (c) => {
    const call = c.addToolCallPart({ toolName: "agent", toolCallId: "t_agent" });
    const inner = c.withParentId("t_agent");
    inner.appendText("inner");
    inner.appendReasoning("inner why");
    inner.appendSource({ type: "source", sourceType: "url", id: "s_in", url: "https://in.example" });
    inner.appendFile({ type: "file", data: "AAAA", mimeType: "image/png" });
    inner.appendData({ type: "data", name: "inner", data: 1 });
    c.appendText("outer");
    await call.setResponse({ result: "agent finished" });
  },
  "ts-message-level-chunks": (c) => {
    c.enqueue({ type: "step-start", path: [], messageId: "step_ts_1" });
    c.appendText("one");
    c.enqueue({ type: "annotations", path: [], annotations: [{ kind: "note" }] });
    c.enqueue({ type: "data", path: [], data: [{ progress: 1 }, "two"] });
    c.enqueue({
      type: "step-finish",
      path: [],
      finishReason: "tool-calls",
      usage: { inputTokens: 1, outputTokens: 2 },
      isContinued: true,
    });
    c.enqueue({ type: "step-start", path: [], messageId: "step_ts_2" });
    c.appendText(" two");
    c.enqueue({ type: "step-finish", path: [], finishReason: "stop", usage: { inputTokens: 3, outputTokens: 4 }, isContinued: false });
    c.enqueue({ type: "message-finish", path: [], finishReason: "stop", usage: { inputTokens: 4, outputTokens: 6 } });
  },
  "ts-step-finish-without-start": (c) => {
    c.appendText("x");
    c.enqueue({ type: "step-finish", path: [], finishReason: "stop", usage: { inputTokens: 1, outputTokens: 1 }, isContinued: false });
  },
  "ts-error-with-code": (c) => {
    c.appendText("partial");
    c.enqueue({ type: "error", path: [], error: "slow down", code: "rate_limit", severity: "warning" });
    c.appendText(" continued");
    c.enqueue({ type: "message-finish", path: [], finishReason: "stop", usage: { inputTokens: 0, outputTokens: 0 } });
  },
  "ts-state": (c) => {
    c.enqueue({ type: "update-state", path: [], operations: [{ type: "set", path: [], value: { log: "a", items: [] } }] });
    c.enqueue({
      type: "update-state",
      path: [],
      operations: [
        { type: "append-text", path: ["log"], value: "bc" },
        { type: "set", path: ["items", "0"], value: { id: 1 } },
        { type: "set", path: ["items", "0", "name"], value: "first" },
      ],
    });
    c.appendText("state changed");
  },
  "ts-finish-length": (c) => {
    c.appendText("truncated");
    c.enqueue({ type: "message-finish", path: [], finishReason: "length", usage: { inputTokens: 1, outputTokens: 9 } });
  },
  "ts-unicode": (c) => {
    c.appendText("héllo 👋 世界");
    c.appendText(" line\u2028sep\u2029par \u0085 e\u0301 🇩🇪");
    c.appendReasoning("ünïcödé");
  },
  "ts-empty": () => {},
  // A server that streams by UTF-16 code unit splits surrogate pairs across
  // frames (String.prototype.split("") does); JS joins the halves again.
  "ts-text-utf16-units": async (c) => {
    for (const unit of "héllo 👋 世界 🇩🇪".split("")) c.appendText(unit);
    const call = c.addToolCallPart({ toolName: "echo", toolCallId: "t_echo" });
    for (const unit of '{"s":"😀"}'.split("")) call.argsText.append(unit);
    call.argsText.close();
    await call.setResponse({ result: "ok" });
  },
  // A tool that returns nothing: JSON.stringify drops the undefined result.
  "ts-tool-void-result": async (c) => {
    const call = c.addToolCallPart({ toolName: "notify", toolCallId: "t_void", argsText: "{}" });
    await call.setResponse({ result: undefined });
  },
};

const ENCODERS = {
  "data-stream": () => new DataStreamEncoder(),
  "assistant-transport": () => new AssistantTransportEncoder(),
  "plain-text": () => new PlainTextEncoder(),
};

// A part left open keeps a TS stream open forever; fail loudly instead of hanging.
const withTimeout = (promise, label) =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`scenario ${label} did not finish`)), 10_000);
    promise.then(
      (buffer) => {
        clearTimeout(timer);
        resolve(new Uint8Array(buffer));
      },
      (error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });

async function main() {
  const outDir = process.argv[2];
  if (!outDir) throw new Error("usage: node gen_ts_corpus.mjs <output-dir>");
  await mkdir(outDir, { recursive: true });
  const manifest = [];
  for (const [id, scenario] of Object.entries(scenarios)) {
    for (const [encoding, makeEncoder] of Object.entries(ENCODERS)) {
      const response = AssistantStream.toResponse(createAssistantStream(scenario), makeEncoder());
      const bytes = await withTimeout(response.arrayBuffer(), `${id} (${encoding})`);
      const file = `${id}.${encoding}.bin`;
      await writeFile(join(outDir, file), bytes);
      manifest.push({
        id: `${id}.${encoding}`,
        encoding,
        file,
        headers: Object.fromEntries(response.headers.entries()),
        strict: true,
        initialState: null,
      });
    }
  }
  await writeFile(join(outDir, "ts-manifest.json"), JSON.stringify(manifest, null, 1) + "\n");
}

await main();
