/**
 * The benchmark's model provider, in a process of its own as a real provider would be: a fake OpenAI-compatible
 * server on 127.0.0.1 answering "Answer: <n+1>" to "What is <n> plus one?" after a fixed delay. Started by
 * test/bench/runs.ts with fork(); it sends {url} once listening, and answers 'arrivals' with when each item's
 * request arrived and when its answer went out (Date.now(), the same clock in both processes), and 'reset' by
 * forgetting them.
 */
import { openaiCompat, startFakeOpenAiCompatible } from '../fakes/openai-compatible.js';

const latencyMs = Number(process.env.FAKE_LATENCY_MS ?? 100);
const fake = await startFakeOpenAiCompatible();
fake.always(openaiCompat.completion({ delayMs: latencyMs, content: (body) => `Answer: ${Number(/What is (\d+) plus one/.exec(body.messages.at(-1).content)![1]) + 1}` }));
process.on('message', (m: string) => {
  if (m === 'arrivals') {
    process.send!({ arrivals: fake.requests.map((r) => [/item (syn-\d+)/.exec(r.body.messages.at(-1).content)?.[1] ?? null, [r.at, r.answeredAt ?? null]]) });
  } else if (m === 'reset') {
    fake.requests.length = 0;
    process.send!({ reset: true });
  } else if (m === 'close') {
    void fake.close().then(() => process.exit(0));
  }
});
// The bench may die without saying 'close': go with it.
process.on('disconnect', () => process.exit(0));
process.send!({ url: fake.url });
