// A stock assistant-ui app on one of three runtimes, pointed at the demo backend.
//
// URL: index.html?runtime=ai-sdk|data-stream|assistant-transport&backend=http://127.0.0.1:PORT
// It renders the thread with assistant-ui's primitives and registers the
// frontend tool `get_weather` (the demo asks for it on "weather in ..."),
// which answers from the page so the run continues. Nothing here is
// specific to the test except the data-testid attributes and
// `window.__weatherCalls`, the cities get_weather ran for.
import {
  AssistantRuntimeProvider,
  ComposerPrimitive,
  MessagePrimitive,
  ThreadPrimitive,
  unstable_createMessageConverter as createMessageConverter,
  useAssistantTool,
  useAssistantTransportRuntime,
} from "@assistant-ui/react";
import { AssistantChatTransport, useChatRuntime } from "@assistant-ui/react-ai-sdk";
import { useDataStreamRuntime } from "@assistant-ui/react-data-stream";
import { lastAssistantMessageIsCompleteWithToolCalls } from "ai";
import { StrictMode, useMemo } from "react";
import { createRoot } from "react-dom/client";

const params = new URLSearchParams(window.location.search);
const runtimeName = params.get("runtime") ?? "ai-sdk";
const backend = params.get("backend") ?? "http://127.0.0.1:8000";

window.__weatherCalls = [];

const weatherTool = {
  toolName: "get_weather",
  type: "frontend",
  description: "The current weather in a city.",
  parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  execute: async ({ city }) => {
    window.__weatherCalls.push(city);
    return { city, temperature: 18, condition: "sunny" };
  },
};

function WeatherTool() {
  useAssistantTool(weatherTool);
  return null;
}

// --- the three runtimes -----------------------------------------------------

function useAiSdk() {
  const transport = useMemo(() => new AssistantChatTransport({ api: `${backend}/api/chat` }), []);
  return useChatRuntime({ transport, sendAutomaticallyWhen: lastAssistantMessageIsCompleteWithToolCalls });
}

function useDataStream() {
  return useDataStreamRuntime({ api: `${backend}/api/chat` });
}

// The demo keeps the conversation in state.messages: user and assistant
// messages ({content, toolCalls}) and tool messages with results.
const demoMessages = createMessageConverter((message) => {
  if (message.role === "tool") {
    return {
      role: "tool",
      toolCallId: message.toolCallId,
      toolName: message.toolName,
      result: message.result,
      isError: message.isError === true,
    };
  }
  if (message.role === "user") return { id: message.id, role: "user", content: message.content };
  const calls = (message.toolCalls ?? []).map((call) => ({
    type: "tool-call",
    toolCallId: call.toolCallId,
    toolName: call.toolName,
    args: call.args,
    ...("result" in call && { result: call.result, isError: call.isError === true }),
  }));
  const sources = (message.sources ?? []).map((source) => ({ type: "source", sourceType: "url", ...source }));
  const text = message.content ? [{ type: "text", text: message.content }] : [];
  // Server-side tools ran before the answer; calls left for the page come after the text.
  const answered = calls.filter((call) => "result" in call);
  const open = calls.filter((call) => !("result" in call));
  return { id: message.id, role: "assistant", content: [...answered, ...sources, ...text, ...open] };
});

const transportConverter = (state, { pendingCommands, isSending }) => {
  const pending = pendingCommands
    .filter((command) => command.type === "add-message")
    .map((command) => ({
      role: "user",
      content: command.message.parts.map((part) => part.text ?? "").join(""),
    }));
  const messages = [...(state.messages ?? []), ...pending].map((message, index) => ({
    ...message,
    id: `m${index}`,
  }));
  return { messages: demoMessages.toThreadMessages(messages, isSending), isRunning: isSending };
};

function useAssistantTransport() {
  return useAssistantTransportRuntime({
    api: `${backend}/assistant`,
    initialState: { messages: [] },
    converter: transportConverter,
    headers: {},
  });
}

const RUNTIMES = { "ai-sdk": useAiSdk, "data-stream": useDataStream, "assistant-transport": useAssistantTransport };

// --- the thread -------------------------------------------------------------

function Tool({ toolName, args, result }) {
  return (
    <div className="tool" data-testid="tool">
      tool {toolName}({JSON.stringify(args)}){result === undefined ? " …" : ` → ${JSON.stringify(result)}`}
    </div>
  );
}

const Text = ({ text }) => <span data-testid="text">{text}</span>;
const Source = ({ url, title }) => (
  <div className="source" data-testid="source">
    source: {title ?? url}
  </div>
);

function UserMessage() {
  return (
    <MessagePrimitive.Root className="message user" data-testid="user">
      <MessagePrimitive.Parts components={{ Text }} />
    </MessagePrimitive.Root>
  );
}

function AssistantMessage() {
  return (
    <MessagePrimitive.Root className="message assistant" data-testid="assistant">
      <MessagePrimitive.Parts components={{ Text, Source, tools: { Fallback: Tool } }} />
    </MessagePrimitive.Root>
  );
}

function Thread() {
  return (
    <ThreadPrimitive.Root className="thread">
      <h1>
        assistant-ui · <span data-testid="runtime">{runtimeName}</span>
      </h1>
      <ThreadPrimitive.Viewport className="viewport">
        <ThreadPrimitive.Messages components={{ UserMessage, AssistantMessage }} />
      </ThreadPrimitive.Viewport>
      <ComposerPrimitive.Root className="composer">
        <ComposerPrimitive.Input data-testid="input" placeholder="Message" />
        <ComposerPrimitive.Send data-testid="send">Send</ComposerPrimitive.Send>
      </ComposerPrimitive.Root>
    </ThreadPrimitive.Root>
  );
}

function App() {
  const runtime = RUNTIMES[runtimeName]();
  return (
    <AssistantRuntimeProvider runtime={runtime}>
      <WeatherTool />
      <Thread />
    </AssistantRuntimeProvider>
  );
}

const style = document.createElement("style");
style.textContent = `
  body { font: 15px system-ui, sans-serif; margin: 0; background: #f6f6f8; }
  .thread { max-width: 760px; margin: 0 auto; padding: 16px; }
  h1 { font-size: 18px; }
  .message { margin: 8px 0; padding: 8px 12px; border-radius: 10px; white-space: pre-wrap; }
  .user { background: #dbeafe; margin-left: 25%; }
  .assistant { background: #fff; border: 1px solid #ddd; margin-right: 10%; }
  .tool, .source { font: 12px ui-monospace, monospace; color: #555; margin: 4px 0; }
  .composer { display: flex; gap: 8px; margin-top: 12px; }
  .composer textarea { flex: 1; }
`;
document.head.append(style);

if (!RUNTIMES[runtimeName]) throw new Error(`unknown runtime ${runtimeName}`);
createRoot(document.getElementById("root")).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
