/**
 * The journal's prompts, written for Bench in the spirit of Hamming's "You and Your Research", and the offline
 * answer: a follow-up chosen by what the entry talks about, rotating through that theme's questions by the entry's
 * id, so the same entry always gets the same answer and consecutive entries on one theme get different ones.
 */

export const REFLECTION_PROMPTS = [
  { key: 'important-problems', text: 'What are the important problems in your area right now? Why are you not working on one of them?' },
  { key: 'open-doors', text: 'Which doors did you keep open this week (to people, to ideas, to questions from others), and which did you close?' },
  { key: 'what-matters', text: 'Is what you worked on lately heading toward something that matters? What would you stop doing to make room for it?' },
  { key: 'bold-attempt', text: 'Where did you play it safe when a bolder attempt was within reach? What would the bolder version have been?' },
  { key: 'turn-it-around', text: 'Which constraint or annoyance in your work could you turn into the thing that makes your work stand out?' },
  { key: 'telling-others', text: 'Who needs to hear about your work, and how would you explain why it matters in two minutes?' },
  { key: 'free', text: 'Anything else on your mind about your work: write freely.' },
] as const;

export type PromptKey = (typeof REFLECTION_PROMPTS)[number]['key'];
export const PROMPT_KEYS = REFLECTION_PROMPTS.map((p) => p.key) as [PromptKey, ...PromptKey[]];

export function promptText(key: string): string {
  return REFLECTION_PROMPTS.find((p) => p.key === key)?.text ?? REFLECTION_PROMPTS.at(-1)!.text;
}

interface Theme {
  id: string;
  /** What in the entry shows the theme: whole words, any case. */
  cues: RegExp;
  /** Names the theme in the observation. */
  label: string;
  questions: string[];
}

const THEMES: Theme[] = [
  {
    id: 'time',
    cues: /\b(busy|time|deadlines?|meetings?|hours|overwhelm\w*|no room)\b/i,
    label: 'time and how it gets spent',
    questions: [
      'If you had one uninterrupted day next week, which problem would get it, and why that one?',
      'Which of this week’s commitments would you not miss if it disappeared?',
      'What would you have to say no to, to give an hour a day to the work you think matters most?',
    ],
  },
  {
    id: 'setback',
    cues: /\b(fail\w*|stuck|blocked|rejected|rejection|mistakes?|wrong|lost)\b/i,
    label: 'a setback',
    questions: [
      'What did this setback teach you that a success would not have?',
      'Is the thing that went wrong a sign the problem is hard, or a sign you were attacking it from the wrong side?',
      'What is the smallest next attempt that would tell you whether to keep going?',
    ],
  },
  {
    id: 'people',
    cues: /\b(colleagues?|team\w*|manager|mentor|collaborat\w*|conversations?|talked|door|doors|people)\b/i,
    label: 'the people around your work',
    questions: [
      'Who is working on something next to yours that you have not talked to yet?',
      'What question could you bring to a colleague that would make your problem easier, or harder in a useful way?',
      'Whose work do you find yourself arguing with, and what would you learn by asking them about it?',
    ],
  },
  {
    id: 'importance',
    cues: /\b(important|matters?|impact\w*|significant|meaningful|big problems?)\b/i,
    label: 'what matters',
    questions: [
      'What would have to be true for the problem you named to be worth the next five years?',
      'How would you know, a year from now, that you chose the right problem?',
      'What is a reasonable first attack on that problem that you could start this month?',
    ],
  },
  {
    id: 'learning',
    cues: /\b(learn\w*|study\w*|interviews?|practi[cs]e\w*|reading|papers?|courses?)\b/i,
    label: 'learning',
    questions: [
      'What are you learning now that will still be useful in ten years, and what will not?',
      'Which idea from your recent reading could you try on your own problem this week?',
      'What would you study if no interview or review were going to ask about it?',
    ],
  },
  {
    id: 'doubt',
    cues: /\b(afraid|fears?|doubts?|risk\w*|safe|unsure|confiden\w*)\b/i,
    label: 'doubt and risk',
    questions: [
      'What is the worst realistic outcome of trying the bolder thing, and could you live with it?',
      'Which of your doubts is about the problem and which is about you?',
      'If you were sure you would succeed, what would you start tomorrow?',
    ],
  },
];

const GENERAL: Theme = {
  id: 'general',
  cues: /$^/,
  label: 'your work in general',
  questions: [
    'What is the most important problem in your field, and what stops you from working on it?',
    'What did you do this week that you will still care about in a year?',
    'What would you work on if you were sure it would not be wasted?',
  ],
};

export interface OfflineAnswer {
  followUp: string;
  observation: string;
}

/** The themes an entry mentions, in the order they first appear in it. */
function themesOf(entry: string): Theme[] {
  return THEMES.map((t) => ({ t, at: t.cues.exec(entry)?.index ?? -1 }))
    .filter((x) => x.at >= 0)
    .sort((a, b) => a.at - b.at)
    .map((x) => x.t);
}

/** Deterministic: the same entry (id and text) always gets the same answer. */
export function offlineAnswer(entryId: string, entry: string): OfflineAnswer {
  const themes = themesOf(entry);
  const seq = Number(entryId) || 0;
  const theme = themes.length ? themes[seq % themes.length]! : GENERAL;
  const followUp = theme.questions[seq % theme.questions.length]!;
  const named = themes.map((t) => t.label);
  const observation = named.length
    ? `Your entry touches on ${named.join(', ')}. ${themes.some((t) => t.id === 'importance') ? 'Check whether the problem you named is one you are actually working on.' : 'It does not name a problem you think is important: try writing one down.'}`
    : 'Your entry does not name a problem, a person or a decision yet: the next one could start from one of them.';
  return { followUp, observation };
}
