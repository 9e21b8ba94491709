// Produces UI-message-stream response bodies with the AI SDK's own encoder.
//
// Usage: node gen_ui_corpus.mjs <output-dir>
//
// Every scenario runs `streamText` against the SDK's mock language model and
// serialises the result with `toUIMessageStreamResponse()`, so the bytes are
// exactly what a real AI SDK server sends. Each body is written to
// `<output-dir>/<id>.ui-message-stream.bin` plus one `manifest.json` listing
// the files; nothing is hand-written.
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  createUIMessageStream,
  createUIMessageStreamResponse,
  dynamicTool,
  jsonSchema,
  stepCountIs,
  streamText,
  tool,
} from "ai";
import { MockLanguageModelV4 } from "ai/test";

const usage = (input, output) => ({
  inputTokens: { total: input, noCache: input, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: output, text: output, reasoning: undefined },
});

const finish = (reason, input = 3, output = 5) => ({
  type: "finish",
  finishReason: { unified: reason, raw: reason },
  usage: usage(input, output),
});

const streamOf = (parts) => ({
  stream: new ReadableStream({
    start(controller) {
      for (const part of parts) controller.enqueue(part);
      controller.close();
    },
  }),
});

const textParts = (id, pieces) => [
  { type: "text-start", id },
  ...pieces.map((delta) => ({ type: "text-delta", id, delta })),
  { type: "text-end", id },
];

const weatherSchema = jsonSchema({
  type: "object",
  properties: { city: { type: "string" } },
  required: ["city"],
});

// Deterministic ids keep the committed corpus reproducible byte for byte.
const counterIds = (prefix) => {
  let n = 0;
  return () => `${prefix}${++n}`;
};

const scenarios = {
  "ui-gen-text": {
    steps: [[...textParts("t0", ["Hello", ", ", "world", "!"]), finish("stop")]],
  },
  "ui-gen-reasoning-text": {
    steps: [
      [
        { type: "reasoning-start", id: "r0" },
        { type: "reasoning-delta", id: "r0", delta: "Let me " },
        { type: "reasoning-delta", id: "r0", delta: "think." },
        { type: "reasoning-end", id: "r0" },
        ...textParts("t0", ["The answer ", "is 42."]),
        finish("stop"),
      ],
    ],
  },
  "ui-gen-server-tool-two-steps": {
    tools: {
      weather: tool({
        description: "Weather for a city",
        inputSchema: weatherSchema,
        execute: async ({ city }) => ({ city, temp: 20 }),
      }),
    },
    steps: [
      [
        { type: "tool-input-start", id: "call_1", toolName: "weather" },
        { type: "tool-input-delta", id: "call_1", delta: '{"city":' },
        { type: "tool-input-delta", id: "call_1", delta: '"Berlin"}' },
        { type: "tool-input-end", id: "call_1" },
        { type: "tool-call", toolCallId: "call_1", toolName: "weather", input: '{"city":"Berlin"}' },
        finish("tool-calls"),
      ],
      [...textParts("t1", ["It is ", "20C in Berlin."]), finish("stop")],
    ],
  },
  "ui-gen-client-tool-no-result": {
    tools: {
      ask_user: tool({
        description: "Ask the user (runs in the browser)",
        inputSchema: jsonSchema({ type: "object", properties: { q: { type: "string" } } }),
      }),
    },
    steps: [
      [
        ...textParts("t0", ["Let me ask."]),
        { type: "tool-input-start", id: "call_ask", toolName: "ask_user" },
        { type: "tool-input-delta", id: "call_ask", delta: '{"q":"Which city?"}' },
        { type: "tool-input-end", id: "call_ask" },
        { type: "tool-call", toolCallId: "call_ask", toolName: "ask_user", input: '{"q":"Which city?"}' },
        finish("tool-calls"),
      ],
    ],
  },
  "ui-gen-sources": {
    sendSources: true,
    steps: [
      [
        { type: "source", sourceType: "url", id: "src_1", url: "https://example.com/a", title: "Example A" },
        { type: "source", sourceType: "url", id: "src_2", url: "https://example.com/b" },
        {
          type: "source",
          sourceType: "document",
          id: "doc_1",
          mediaType: "application/pdf",
          title: "Report",
          filename: "report.pdf",
        },
        ...textParts("t0", ["See sources."]),
        finish("stop"),
      ],
    ],
  },
  "ui-gen-error": {
    onError: (error) => (error instanceof Error ? error.message : String(error)),
    steps: [
      [
        ...textParts("t0", ["Partial answer"]),
        { type: "error", error: new Error("Upstream model overloaded") },
        finish("error"),
      ],
    ],
  },
  "ui-gen-tool-input-error": {
    tools: {
      weather: tool({
        description: "Weather for a city",
        inputSchema: weatherSchema,
        execute: async ({ city }) => ({ city, temp: 20 }),
      }),
    },
    steps: [
      [
        { type: "tool-input-start", id: "call_bad", toolName: "weather" },
        { type: "tool-input-delta", id: "call_bad", delta: "{not json" },
        { type: "tool-input-end", id: "call_bad" },
        { type: "tool-call", toolCallId: "call_bad", toolName: "weather", input: "{not json" },
        finish("tool-calls"),
      ],
    ],
  },
  "ui-gen-tool-execute-error": {
    tools: {
      weather: tool({
        description: "Weather for a city",
        inputSchema: weatherSchema,
        execute: async () => {
          throw new Error("weather service down");
        },
      }),
    },
    steps: [
      [
        { type: "tool-call", toolCallId: "call_x", toolName: "weather", input: '{"city":"Oslo"}' },
        finish("tool-calls"),
      ],
    ],
  },
  "ui-gen-unicode": {
    steps: [
      [
        ...textParts("t0", ["héllo ", "👋 世界", " \u2028line\u2029sep", " e\u0301 🇩🇪"]),
        finish("stop"),
      ],
    ],
  },
  "ui-gen-length": {
    steps: [[...textParts("t0", ["cut off mid"]), finish("length")]],
  },
  "ui-gen-file": {
    steps: [
      [
        { type: "file", mediaType: "image/png", data: { type: "data", data: "iVBORw0KGgo=" } },
        ...textParts("t0", ["Here is the image."]),
        finish("stop"),
      ],
    ],
  },
  "ui-gen-provider-metadata": {
    steps: [
      [
        { type: "text-start", id: "t0", providerMetadata: { mock: { cacheHit: true } } },
        { type: "text-delta", id: "t0", delta: "cached" },
        { type: "text-end", id: "t0" },
        finish("stop"),
      ],
    ],
  },
  "ui-gen-preliminary-tool": {
    tools: {
      progress: tool({
        description: "Reports progress while running",
        inputSchema: jsonSchema({ type: "object", properties: {} }),
        async *execute() {
          yield { status: "loading" };
          yield { status: "done", value: 7 };
        },
      }),
    },
    steps: [
      [
        { type: "tool-call", toolCallId: "call_p", toolName: "progress", input: "{}" },
        finish("tool-calls"),
      ],
      [...textParts("t1", ["Done."]), finish("stop")],
    ],
  },
  "ui-gen-tool-approval": {
    tools: {
      delete_file: tool({
        description: "Deletes a file",
        inputSchema: jsonSchema({ type: "object", properties: { path: { type: "string" } } }),
        needsApproval: true,
        execute: async () => "deleted",
      }),
    },
    steps: [
      [
        { type: "tool-call", toolCallId: "call_del", toolName: "delete_file", input: '{"path":"/tmp/x"}' },
        finish("tool-calls"),
      ],
    ],
  },
  "ui-gen-dynamic-tool": {
    tools: {
      lookup: dynamicTool({
        description: "Runtime-defined tool",
        inputSchema: jsonSchema({ type: "object", properties: { key: { type: "string" } } }),
        execute: async (input) => ({ found: input.key }),
      }),
    },
    steps: [
      [
        { type: "tool-call", toolCallId: "call_dyn", toolName: "lookup", input: '{"key":"k1"}' },
        finish("tool-calls"),
      ],
      [...textParts("t1", ["Found it."]), finish("stop")],
    ],
  },
  "ui-gen-message-metadata": {
    messageMetadata: ({ part }) => {
      if (part.type === "start") return { model: "mock-model" };
      if (part.type === "finish") return { finishedBy: "mock" };
      return undefined;
    },
    steps: [[...textParts("t0", ["with metadata"]), finish("stop")]],
  },
  "ui-gen-lone-surrogate-input": {
    // The model's JSON escapes half of a surrogate pair; JSON.parse keeps it.
    tools: {
      echo: tool({
        description: "Echoes its input",
        inputSchema: jsonSchema({ type: "object", properties: { q: { type: "string" } } }),
      }),
    },
    steps: [
      [
        { type: "tool-call", toolCallId: "call_s", toolName: "echo", input: '{"q":"a\\ud83d"}' },
        finish("tool-calls"),
      ],
    ],
  },
  "ui-gen-data-parts": {
    // Data parts written by the server around a merged model stream.
    wrap: (modelStream) =>
      createUIMessageStream({
        generateId: () => "msg_ui-gen-data-parts",
        execute: ({ writer }) => {
          writer.write({ type: "data-weather", id: "w1", data: { status: "loading" } });
          writer.write({ type: "data-progress", data: 50, transient: true });
          writer.merge(modelStream);
          writer.write({ type: "data-weather", id: "w1", data: { status: "done", temp: 20 } });
          writer.write({ type: "data-note", data: "no id" });
        },
      }),
    steps: [[...textParts("t0", ["Weather loading."]), finish("stop")]],
  },
};

async function bodyFor(id, scenario) {
  const model = new MockLanguageModelV4({
    doStream: scenario.steps.map((parts) => streamOf(parts)),
  });
  const result = streamText({
    model,
    prompt: "test prompt",
    tools: scenario.tools,
    stopWhen: stepCountIs(scenario.steps.length),
    // Errors are part of some scenarios; keep them out of the generator's stderr.
    onError: () => {},
    _internal: { generateId: counterIds("gen_"), now: () => 0 },
  });
  const options = {
    sendSources: scenario.sendSources ?? false,
    sendReasoning: true,
    generateMessageId: () => `msg_${id}`,
    onError: scenario.onError,
    messageMetadata: scenario.messageMetadata,
  };
  const response = scenario.wrap
    ? createUIMessageStreamResponse({ stream: scenario.wrap(result.toUIMessageStream(options)) })
    : result.toUIMessageStreamResponse(options);
  const bytes = new Uint8Array(await response.arrayBuffer());
  const headers = Object.fromEntries(response.headers.entries());
  return { bytes, headers };
}

async function main() {
  const outDir = process.argv[2];
  if (!outDir) throw new Error("usage: node gen_ui_corpus.mjs <output-dir>");
  await mkdir(outDir, { recursive: true });
  const manifest = [];
  for (const [id, scenario] of Object.entries(scenarios)) {
    const { bytes, headers } = await bodyFor(id, scenario);
    const file = `${id}.ui-message-stream.bin`;
    await writeFile(join(outDir, file), bytes);
    manifest.push({ id, encoding: "ui-message-stream", file, headers, strict: true, initialState: null });
  }
  await writeFile(join(outDir, "ui-manifest.json"), JSON.stringify(manifest, null, 1) + "\n");
}

await main();
