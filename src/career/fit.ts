/**
 * The fit between a job description and a profile, as lines a reader can check: each requirement is met, partly
 * met, unstated (the CV does not say it, but something else shows it) or a gap, with the evidence or its absence,
 * and what it adds to the score. Must-haves weigh twice what nice-to-haves do; the score is the sum of the lines,
 * in half points, so the breakdown always adds up to the number shown.
 */
import type { JdParsed, ProfileAnalysis, Requirement } from './schemas.js';
import { skillById } from './problems.js';

export type FitStatus = 'met' | 'partly' | 'unstated' | 'gap';

export interface FitLine {
  requirement: string;
  skillId: string | null;
  kind: 'must' | 'nice' | 'years';
  status: FitStatus;
  /** The CV sentence (or other evidence) behind the status, or what is missing. */
  evidence: string;
  weight: number;
  points: number;
}

export interface FitAssessment {
  lines: FitLine[];
  points: number;
  maxPoints: number;
  /** Whole percent of maxPoints; 0 when the JD lists nothing to assess. */
  percent: number;
}

export const WEIGHTS = { must: 2, nice: 1, years: 2 } as const;
export const CREDIT: Record<FitStatus, number> = { met: 1, partly: 0.5, unstated: 0.5, gap: 0 };

/** Skills a more specific one shows: a CV naming PyTorch shows deep learning and machine learning. */
const IMPLIED_BY: Record<string, string[]> = {
  ml: ['pytorch', 'tensorflow', 'jax', 'sklearn', 'deep-learning', 'llm', 'nlp', 'computer-vision', 'rl', 'recsys', 'fine-tuning'],
  'deep-learning': ['pytorch', 'tensorflow', 'jax', 'transformers', 'llm', 'fine-tuning', 'pretraining'],
  transformers: ['llm', 'huggingface'],
  cloud: ['kubernetes'],
  docker: ['kubernetes'],
};

/**
 * How related two skills are: 0 unless they share a category; then two for each bank tag and one for each topic they
 * share (TensorFlow and PyTorch share a tag and a topic; TensorFlow and "machine learning" only a topic).
 */
function relatedness(a: string, b: string): number {
  const x = skillById(a);
  const y = skillById(b);
  if (!x || !y || x.id === y.id || x.category !== y.category) return 0;
  const tags = new Set(x.tags ?? []);
  const topics = new Set<string>(x.topics ?? []);
  return 2 * (y.tags ?? []).filter((t) => tags.has(t)).length + (y.topics ?? []).filter((t) => topics.has(t)).length;
}

export interface FitInputs {
  jd: JdParsed;
  profile: ProfileAnalysis;
  profileText: string;
  /** Skill id -> the title of a bank problem the user solved that practises it. */
  practised: Map<string, string>;
}

function judge(req: Requirement, inputs: FitInputs): { status: FitStatus; evidence: string } {
  const { profile, practised } = inputs;
  const own = profile.skills.find((s) => (req.skillId ? s.skillId === req.skillId : s.name.toLowerCase() === req.name.toLowerCase()));
  if (own) return { status: 'met', evidence: own.evidence };
  if (!req.skillId) {
    const at = inputs.profileText.toLowerCase().indexOf(req.name.toLowerCase());
    if (at >= 0) return { status: 'met', evidence: `The CV mentions “${req.name}”.` };
    return { status: 'gap', evidence: `The CV does not mention “${req.name}” (not in the skills taxonomy, so only the words were looked for).` };
  }
  const implying = profile.skills.find((s) => s.skillId && IMPLIED_BY[req.skillId!]?.includes(s.skillId));
  if (implying) return { status: 'unstated', evidence: `Not named, but shown by ${implying.name}: “${implying.evidence}”` };
  const solved = practised.get(req.skillId);
  if (solved) return { status: 'unstated', evidence: `Not in the CV, but you solved “${solved}” on Bench.` };
  const near = profile.skills
    .map((s) => ({ s, score: s.skillId ? relatedness(req.skillId!, s.skillId) : 0 }))
    .filter((x) => x.score > 0)
    .sort((x, y) => y.score - x.score)[0]?.s;
  if (near) return { status: 'partly', evidence: `Related: ${near.name} — “${near.evidence}”` };
  return { status: 'gap', evidence: 'Nothing in the CV shows it.' };
}

function yearsLine(asked: number, years: number | null): Omit<FitLine, 'weight' | 'points'> {
  const base = { requirement: `${asked}+ years of experience`, skillId: null, kind: 'years' as const };
  if (years === null) return { ...base, status: 'unstated', evidence: 'The CV states no years or dates.' };
  if (years >= asked) return { ...base, status: 'met', evidence: `The CV shows ${years} years.` };
  if (years >= asked - 2) return { ...base, status: 'partly', evidence: `The CV shows ${years} years.` };
  return { ...base, status: 'gap', evidence: `The CV shows ${years} years.` };
}

export function assessFit(inputs: FitInputs): FitAssessment {
  const raw: Omit<FitLine, 'weight' | 'points'>[] = [
    ...inputs.jd.mustHave.map((r) => ({ requirement: r.name, skillId: r.skillId, kind: 'must' as const, ...judge(r, inputs) })),
    ...(inputs.jd.yearsAskedFor ? [yearsLine(inputs.jd.yearsAskedFor, inputs.profile.years)] : []),
    ...inputs.jd.niceToHave.map((r) => ({ requirement: r.name, skillId: r.skillId, kind: 'nice' as const, ...judge(r, inputs) })),
  ];
  const lines = raw.map((l) => ({ ...l, weight: WEIGHTS[l.kind], points: WEIGHTS[l.kind] * CREDIT[l.status] }));
  const points = lines.reduce((sum, l) => sum + l.points, 0);
  const maxPoints = lines.reduce((sum, l) => sum + l.weight, 0);
  return { lines, points, maxPoints, percent: maxPoints ? Math.round((100 * points) / maxPoints) : 0 };
}

/** The real gaps: requirements nothing shows, which a plan can practise. */
export const realGaps = (a: FitAssessment) => a.lines.filter((l) => l.status === 'gap' && l.skillId);
