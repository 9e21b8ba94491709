// The JS reference for the benchmark suite: the pinned npm `assistant-stream`
// and `ai` packages of tests/differential (run `npm ci --prefix tests/differential`).
//
//   node reference.mjs encode <plan.json> <encoder> <out.bin>
//       encoder: "ts-data-stream" (assistant-stream DataStreamEncoder) or
//       "ui-message-stream" (ai createUIMessageStream + createUIMessageStreamResponse)
//   node reference.mjs decode <jobs.json> <results.json>
//       jobs: [{file, encoding, chunk, repeat, messageOut?}]; each body is fed to the
//       reference decoder + AssistantMessageAccumulator in `chunk`-byte pieces,
//       `repeat` times; the best CPU time and the best wall time (ms, measured inside
//       Node) are reported and the final message written to `messageOut`.
import { readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const referenceDir = process.env.AUI_REFERENCE_DIR ?? join(here, "..", "..", "tests", "differential");
const requireFrom = createRequire(join(referenceDir, "package.json"));
const load = (name) => import(pathToFileURL(requireFrom.resolve(name)).href);

async function encodeTs(plan) {
  const { AssistantStream, DataStreamEncoder, createAssistantStream } = await load("assistant-stream");
  const toolCall = async (c, call) => {
    const part = c.addToolCallPart({ toolName: call.name, toolCallId: call.id });
    for (const piece of call.args) part.argsText.append(piece);
    part.argsText.close();
    await part.setResponse({ result: call.result });
  };
  const run = async (c) => {
    if (plan.kind === "text") for (const delta of plan.deltas) c.appendText(delta);
    else if (plan.kind === "tools") for (const call of plan.calls) await toolCall(c, call);
    else if (plan.kind === "mixed") {
      const last = plan.steps.length - 1;
      for (const [index, step] of plan.steps.entries()) {
        c.enqueue({ type: "step-start", path: [], messageId: step.id });
        for (const delta of step.reasoning) c.appendReasoning(delta);
        for (const delta of step.text) c.appendText(delta);
        for (const source of step.sources)
          c.appendSource({ type: "source", sourceType: "url", id: source.id, url: source.url, title: source.title });
        await toolCall(c, step.tool);
        for (const delta of step.more) c.appendText(delta);
        c.enqueue({
          type: "step-finish",
          path: [],
          finishReason: index === last ? "stop" : "tool-calls",
          usage: { inputTokens: 10, outputTokens: 20 },
          isContinued: false,
        });
        // Let the response body drain between steps, as a server does between model calls.
        await new Promise((resolve) => setImmediate(resolve));
      }
    } else throw new Error(`the TS encoder run has no plan kind ${plan.kind}`);
  };
  const response = AssistantStream.toResponse(createAssistantStream(run), new DataStreamEncoder());
  return new Uint8Array(await response.arrayBuffer());
}

async function encodeUi(plan) {
  const { createUIMessageStream, createUIMessageStreamResponse } = await load("ai");
  const execute = ({ writer }) => {
    writer.write({ type: "start", messageId: "msg_bench" });
    if (plan.kind === "text") {
      writer.write({ type: "start-step" });
      writer.write({ type: "text-start", id: "txt_0" });
      for (const delta of plan.deltas) writer.write({ type: "text-delta", id: "txt_0", delta });
      writer.write({ type: "text-end", id: "txt_0" });
      writer.write({ type: "finish-step" });
    } else if (plan.kind === "tools") {
      // One step per call, as an agent loop that runs one tool per step writes it.
      for (const call of plan.calls) {
        writer.write({ type: "start-step" });
        writer.write({ type: "tool-input-start", toolCallId: call.id, toolName: call.name });
        for (const piece of call.args)
          writer.write({ type: "tool-input-delta", toolCallId: call.id, inputTextDelta: piece });
        const input = JSON.parse(call.args.join(""));
        writer.write({ type: "tool-input-available", toolCallId: call.id, toolName: call.name, input });
        writer.write({ type: "tool-output-available", toolCallId: call.id, output: call.result });
        writer.write({ type: "finish-step" });
      }
    } else throw new Error(`the UI encoder run has no plan kind ${plan.kind}`);
    writer.write({ type: "finish", finishReason: "stop" });
  };
  const response = createUIMessageStreamResponse({ stream: createUIMessageStream({ execute }) });
  return new Uint8Array(await response.arrayBuffer());
}

async function decodeOnce(stream, bytes, encoding, chunk) {
  const pieces = [];
  for (let i = 0; i < bytes.length; i += chunk) pieces.push(bytes.subarray(i, i + chunk));
  let index = 0;
  const body = new ReadableStream({
    pull(controller) {
      if (index < pieces.length) controller.enqueue(pieces[index++]);
      else controller.close();
    },
  });
  const decoder = {
    "data-stream": () => new stream.DataStreamDecoder(),
    "ui-message-stream": () => new stream.UIMessageStreamDecoder(),
    "assistant-transport": () => new stream.AssistantTransportDecoder(),
  }[encoding]();
  const reader = body
    .pipeThrough(decoder)
    .pipeThrough(new stream.AssistantMessageAccumulator())
    .getReader();
  let message = null;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    message = value;
  }
  return message;
}

async function decodeJobs(jobs) {
  const stream = await load("assistant-stream");
  const results = [];
  for (const job of jobs) {
    const bytes = new Uint8Array(await readFile(job.file));
    let best = Infinity;
    let bestWall = Infinity;
    let message = null;
    for (let i = 0; i < job.repeat; i++) {
      // CPU time of the process (as the Python side measures), and wall time.
      const start = performance.now();
      const cpu = process.cpuUsage();
      message = await decodeOnce(stream, bytes, job.encoding, job.chunk);
      const used = process.cpuUsage(cpu);
      best = Math.min(best, (used.user + used.system) / 1000);
      bestWall = Math.min(bestWall, performance.now() - start);
    }
    if (job.messageOut) await writeFile(job.messageOut, JSON.stringify(message));
    results.push({ file: job.file, ms: best, wallMs: bestWall });
  }
  return results;
}

const [command, ...args] = process.argv.slice(2);
if (command === "encode") {
  const [planFile, encoder, out] = args;
  const plan = JSON.parse(await readFile(planFile, "utf8"));
  const bytes = encoder === "ui-message-stream" ? await encodeUi(plan) : await encodeTs(plan);
  await writeFile(out, bytes);
} else if (command === "decode") {
  const [jobsFile, out] = args;
  const results = await decodeJobs(JSON.parse(await readFile(jobsFile, "utf8")));
  await writeFile(out, JSON.stringify(results));
} else {
  console.error("usage: node reference.mjs encode <plan.json> <encoder> <out> | decode <jobs.json> <out>");
  process.exit(2);
}
