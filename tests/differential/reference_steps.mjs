// Step structure of replies, as the reference reads them and as the AI SDK produces them.
//
// stdin:  {"bodies": [{id, encoding, body_b64}], "conversations": [{id, items}]}
// stdout: {"bodies": {id: Structure}, "conversations": {id: Structure}}
//
// A Structure is {chunkSteps, finish, error} plus, for the UI message stream,
// {uiSteps, resends, uiError}:
// - chunkSteps: the steps the encoding's npm assistant-stream decoder reads
//   (its step-start / step-finish chunks), each a list of part kinds:
//   "text", "reasoning", "source", "tool:<name>:answered" or "tool:<name>:open";
// - finish: the finish reason of the message-finish chunk (null without one);
// - uiSteps: the same, from the UIMessage the AI SDK's chat builds (its
//   "step-start" parts);
// - resends: what the AI SDK's `lastAssistantMessageIsCompleteWithToolCalls`
//   says about that chat, i.e. whether a stock `useChatRuntime` frontend
//   would send the conversation again without the user.
//
// A conversation is what a model says, in order, with no steps:
// {text}, {reasoning}, {source: {id, url, title}}, {tool, input, output?, error?}.
// A tool with an output or error runs on the server; one without runs in the
// frontend. It is played by the AI SDK's `streamText` with its mock model,
// one model call per run of text ending in tool calls, exactly as a model
// stops after its calls; the SDK decides where the steps are, and its
// `toUIMessageStreamResponse()` encodes the reply.
import {
  AssistantTransportDecoder,
  DataStreamDecoder,
  UIMessageStreamDecoder,
} from "assistant-stream";
import { jsonSchema, lastAssistantMessageIsCompleteWithToolCalls, stepCountIs, streamText, tool } from "ai";
import { MockLanguageModelV4 } from "ai/test";
import { aiSdkChat, byteStream } from "./reference_support.mjs";

const DECODERS = {
  "data-stream": () => new DataStreamDecoder({ strict: true }),
  "ui-message-stream": () => new UIMessageStreamDecoder(),
  "assistant-transport": () => new AssistantTransportDecoder({ strict: true }),
};

const errorText = (error) => (error instanceof Error ? error.message : String(error));

async function chunkSteps(bytes, encoding) {
  const steps = [];
  const parts = []; // by part index: {step, kind, name, answered}
  let current = null;
  const step = () => {
    if (current === null) {
      current = [];
      steps.push(current);
    }
    return current;
  };
  let error = null;
  let finish = null;
  try {
    const reader = byteStream(bytes).pipeThrough(DECODERS[encoding]()).getReader();
    for (;;) {
      const { done, value: chunk } = await reader.read();
      if (done) break;
      if (chunk.type === "step-start") {
        current = [];
        steps.push(current);
      } else if (chunk.type === "step-finish") {
        step();
        current = null;
      } else if (chunk.type === "part-start") {
        const { type, toolName } = chunk.part;
        parts.push({ step: step(), kind: type, name: toolName, answered: false });
      } else if (chunk.type === "result") {
        const part = parts[chunk.path[0]];
        if (part) part.answered = true;
      } else if (chunk.type === "message-finish") {
        finish = chunk.finishReason;
      }
    }
  } catch (caught) {
    error = errorText(caught);
  }
  for (const part of parts) part.step.push(kindOf(part));
  return { chunkSteps: steps, finish, error };
}

const kindOf = (part) => {
  if (part.kind === "tool-call") return `tool:${part.name}:${part.answered ? "answered" : "open"}`;
  return part.kind;
};

const ANSWERED = new Set(["output-available", "output-error", "output-denied"]);

function uiSteps(message) {
  const steps = [];
  let current = null;
  for (const part of message?.parts ?? []) {
    if (part.type === "step-start") {
      current = [];
      steps.push(current);
      continue;
    }
    if (current === null) {
      current = [];
      steps.push(current);
    }
    if (part.type === "text" || part.type === "reasoning") current.push(part.type);
    else if (part.type === "source-url") current.push("source");
    else if (part.type === "dynamic-tool" || part.type.startsWith("tool-")) {
      const name = part.type === "dynamic-tool" ? part.toolName : part.type.slice("tool-".length);
      current.push(`tool:${name}:${ANSWERED.has(part.state) ? "answered" : "open"}`);
    }
  }
  return steps;
}

async function structure(bytes, encoding) {
  const result = await chunkSteps(bytes, encoding);
  if (encoding === "ui-message-stream") {
    const { messages, error } = await aiSdkChat(bytes);
    result.uiSteps = uiSteps(messages.at(-1));
    result.resends = lastAssistantMessageIsCompleteWithToolCalls({ messages });
    result.uiError = error;
  }
  return result;
}

const usage = { inputTokens: { total: 1, noCache: 1 }, outputTokens: { total: 1, text: 1 } };
const finish = (reason) => ({ type: "finish", finishReason: { unified: reason, raw: reason }, usage });

// One model call per run of items ending in tool calls.
function modelCalls(items) {
  const calls = [[]];
  items.forEach((item, index) => {
    calls.at(-1).push(item);
    const next = items[index + 1];
    if (item.tool && next && !next.tool) calls.push([]);
  });
  return calls;
}

function modelStream(call, callIndex) {
  const parts = [];
  call.forEach((item, index) => {
    const id = `p${callIndex}_${index}`;
    if (item.text !== undefined || item.reasoning !== undefined) {
      const kind = item.text !== undefined ? "text" : "reasoning";
      parts.push({ type: `${kind}-start`, id }, { type: `${kind}-delta`, id, delta: item[kind] }, { type: `${kind}-end`, id });
    } else if (item.source) {
      parts.push({ type: "source", sourceType: "url", ...item.source });
    } else if (item.tool) {
      const input = JSON.stringify(item.input ?? {});
      parts.push(
        { type: "tool-input-start", id, toolName: item.tool },
        { type: "tool-input-delta", id, delta: input },
        { type: "tool-input-end", id },
        { type: "tool-call", toolCallId: id, toolName: item.tool, input },
      );
    }
  });
  parts.push(finish(call.at(-1)?.tool ? "tool-calls" : "stop"));
  return {
    stream: new ReadableStream({
      start(controller) {
        for (const part of parts) controller.enqueue(part);
        controller.close();
      },
    }),
  };
}

async function reference(items) {
  const calls = modelCalls(items);
  const tools = {};
  const answers = new Map();
  calls.forEach((call, callIndex) =>
    call.forEach((item, index) => {
      if (item.tool) answers.set(`p${callIndex}_${index}`, item);
    }),
  );
  for (const item of items.filter((i) => i.tool)) {
    const server = "output" in item || "error" in item;
    tools[item.tool] ??= tool({
      inputSchema: jsonSchema({ type: "object" }),
      ...(server && {
        execute: async (_input, { toolCallId }) => {
          const answer = answers.get(toolCallId);
          if ("error" in answer) throw new Error(answer.error);
          return answer.output;
        },
      }),
    });
  }
  const model = new MockLanguageModelV4({ doStream: calls.map(modelStream) });
  const result = streamText({
    model,
    prompt: "the user's words",
    tools,
    stopWhen: stepCountIs(calls.length),
    onError: () => {},
  });
  const response = result.toUIMessageStreamResponse({ sendSources: true, sendReasoning: true, onError: errorText });
  return structure(new Uint8Array(await response.arrayBuffer()), "ui-message-stream");
}

async function readStdin() {
  const pieces = [];
  for await (const piece of process.stdin) pieces.push(piece);
  return Buffer.concat(pieces).toString("utf8");
}

const input = JSON.parse(await readStdin());
const output = { bodies: {}, conversations: {} };
for (const body of input.bodies ?? []) {
  output.bodies[body.id] = await structure(new Uint8Array(Buffer.from(body.body_b64, "base64")), body.encoding);
}
for (const conversation of input.conversations ?? []) {
  output.conversations[conversation.id] = await reference(conversation.items);
}
process.stdout.write(JSON.stringify(output));
