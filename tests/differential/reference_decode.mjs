// Decodes response bodies with the reference implementation (npm assistant-stream).
//
// stdin:  a JSON array of jobs
//         [{id, encoding, body_b64, strict, initialState, chunkSize?, uiMessage?}]
// stdout: a JSON array of results, same order
//         [{id, message, error, warnings, uiMessage?, uiMessageError?}]
//
// Bytes go through a ReadableStream, the encoding's decoder and the
// AssistantMessageAccumulator, exactly as the assistant-ui runtimes pipe a
// fetch body. `message` is the last message the accumulator emitted (the
// partial message when the pipeline failed), `error` the failure text or null.
// `chunkSize` splits the body into reads of that many bytes (default: one read),
// `linesPerRead: true` into one read per line (split after every CR and LF).
// AUI_REFERENCE_TIMING=1 prints the job count and run time on stderr.
// With `uiMessage: true` a UI-message-stream body is also read by the AI SDK's
// own chat client (`AbstractChat`, under `useChat`), giving the UIMessage it builds.
import {
  AssistantMessageAccumulator,
  AssistantTransportDecoder,
  DataStreamDecoder,
  PlainTextDecoder,
  UIMessageStreamDecoder,
  unstable_createInitialMessage as createInitialMessage,
} from "assistant-stream";

const DECODERS = {
  "data-stream": (strict) => new DataStreamDecoder({ strict }),
  "ui-message-stream": () => new UIMessageStreamDecoder(),
  "assistant-transport": (strict) => new AssistantTransportDecoder({ strict }),
  "plain-text": () => new PlainTextDecoder(),
};

// Reads arrive one macrotask apart and the body ends one macrotask after
// the last read, as with a network body. When a decoder fails (a fatal
// line, an incomplete last line, a missing [DONE]) the pipeline errors, and
// JS streams discard the frames that were decoded but still queued: frames
// decoded in the same tick as the failure would be missing from the partial
// message, depending on read sizes. Spacing the reads keeps that artefact
// out of the comparison; `linesPerRead` splits the body after every CR and
// LF, so that every frame before a fatal one is accumulated.
const splitBody = (bytes, chunkSize, linesPerRead) => {
  if (linesPerRead) {
    const pieces = [];
    let start = 0;
    for (let i = 0; i < bytes.length; i++) {
      if (bytes[i] === 0x0a || bytes[i] === 0x0d) {
        pieces.push(bytes.slice(start, i + 1));
        start = i + 1;
      }
    }
    if (start < bytes.length) pieces.push(bytes.slice(start));
    return pieces;
  }
  const step = chunkSize && chunkSize > 0 ? chunkSize : Math.max(bytes.length, 1);
  const pieces = [];
  for (let i = 0; i < bytes.length; i += step) pieces.push(bytes.slice(i, i + step));
  return pieces;
};

const nextMacrotask = () => new Promise((resolve) => setImmediate(resolve));

const byteStream = (bytes, chunkSize, linesPerRead = false) => {
  const pieces = splitBody(bytes, chunkSize, linesPerRead);
  let index = 0;
  return new ReadableStream({
    async pull(controller) {
      if (index > 0) await nextMacrotask();
      if (index < pieces.length) controller.enqueue(pieces[index++]);
      else controller.close();
    },
  });
};

// The reference reports dropped input through console.warn; collect it per job.
let currentWarnings = null;
const originalWarn = console.warn;
console.warn = (...args) => {
  if (currentWarnings) currentWarnings.push(args.map(String).join(" "));
  else originalWarn(...args);
};

const errorText = (error) => (error instanceof Error ? error.message : String(error));

async function decode(job) {
  const makeDecoder = DECODERS[job.encoding];
  if (!makeDecoder) return { id: job.id, message: null, error: `no reference decoder for ${job.encoding}` };
  const bytes = Buffer.from(job.body_b64, "base64");
  const strict = job.strict !== false;
  const initialMessage = createInitialMessage({ unstable_state: job.initialState ?? null });
  let message = initialMessage;
  let error = null;
  currentWarnings = [];
  try {
    const messages = byteStream(new Uint8Array(bytes), job.chunkSize, job.linesPerRead)
      .pipeThrough(makeDecoder(strict))
      .pipeThrough(new AssistantMessageAccumulator({ initialMessage, strict }));
    const reader = messages.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      message = value;
    }
  } catch (caught) {
    error = errorText(caught);
  }
  const warnings = currentWarnings;
  currentWarnings = null;
  const result = { id: job.id, message, error, warnings };
  if (job.uiMessage && job.encoding === "ui-message-stream") {
    Object.assign(result, await aiSdkUIMessage(bytes));
  }
  return result;
}

// The assistant message the AI SDK's chat (what `useChat` / assistant-ui's
// useChatRuntime run on) builds from a reply to one `submit-message`.
async function aiSdkUIMessage(bytes) {
  // Imported lazily so that the assistant-stream side works without `ai`.
  const { AbstractChat, parseJsonEventStream, uiMessageChunkSchema } = await import("ai");
  const chunks = () =>
    parseJsonEventStream({ stream: byteStream(new Uint8Array(bytes)), schema: uiMessageChunkSchema })
      .pipeThrough(
        new TransformStream({
          transform(part, controller) {
            // Same as the SDK's HTTP transport: an invalid chunk fails the stream.
            if (!part.success) throw part.error;
            controller.enqueue(part.value);
          },
        }),
      );
  const state = {
    status: "ready",
    error: undefined,
    messages: [],
    pushMessage(message) {
      this.messages = [...this.messages, message];
    },
    popMessage() {
      this.messages = this.messages.slice(0, -1);
    },
    replaceMessage(index, message) {
      this.messages = this.messages.map((existing, i) => (i === index ? message : existing));
    },
    snapshot: (thing) => structuredClone(thing),
  };
  let counter = 0;
  class ReferenceChat extends AbstractChat {}
  const chat = new ReferenceChat({
    state,
    generateId: () => `generated-${++counter}`,
    transport: { sendMessages: async () => chunks(), reconnectToStream: async () => null },
  });
  try {
    await chat.sendMessage({ text: "test prompt" });
  } catch (caught) {
    return { uiMessage: lastAssistant(state.messages), uiMessageError: errorText(caught) };
  }
  const uiMessageError = state.error === undefined ? null : errorText(state.error);
  return { uiMessage: lastAssistant(state.messages), uiMessageError };
}

const lastAssistant = (messages) => {
  const last = messages.at(-1);
  return last && last.role === "assistant" ? last : null;
};

async function readStdin() {
  const pieces = [];
  for await (const piece of process.stdin) pieces.push(piece);
  return Buffer.concat(pieces).toString("utf8");
}

const jobs = JSON.parse(await readStdin());
const results = [];
// Sequential on purpose: console.warn capture is per job.
for (const job of jobs) results.push(await decode(job));
process.stdout.write(JSON.stringify(results));
if (process.env.AUI_REFERENCE_TIMING) originalWarn(`${jobs.length} jobs in ${Math.round(performance.now())} ms`);
