/**
 * Parsing a job description without a model: the taxonomy finds the skills, and the section a line sits under
 * ("Requirements", "Nice to have", "Interview process", ...) says whether a skill is a must-have or a plus. The
 * other fields come from labelled lines ("Location: ...") and common phrasings, and are left empty rather than
 * guessed when nothing says them.
 */
import type { JdParsed, Requirement } from './schemas.js';
import { findSkills, unwrapLines } from './skills.js';

type Section = 'must' | 'nice' | 'interview' | 'other' | 'none';

const CUES: [Section, RegExp][] = [
  ['nice', /\b(nice[- ]to[- ]haves?|bonus( points)?|preferred( qualifications)?|desirable|good to have|pluses|extra credit|even better)\b/i],
  ['interview', /\b(interview(ing)? process|interviews?|how we hire|hiring process)\b/i],
  ['must', /\b(requirements?|must[- ]haves?|qualifications|what you('|’)ll need|what we('|’)re looking for|you have|you bring|about you|minimum|required|skills)\b/i],
  ['other', /\b(responsibilities|what you('|’)ll do|the role|about (us|the team|the company)|benefits|perks|compensation|why join|our stack)\b/i],
];

/** A heading: a short line, optionally ending in ":", that names a section; text after the colon stays in it. */
function headingOf(line: string): { section: Section; rest: string } | null {
  const m = /^\s*(?:#+\s*)?([^:.!?]{2,60}?)\s*:\s*(.*)$/.exec(line) ?? /^\s*(?:#+\s*)?([^:.!?]{2,60})\s*$/.exec(line);
  if (!m) return null;
  const head = m[1]!;
  if (/^[-*•]/.test(line.trim())) return null;
  for (const [section, re] of CUES) if (re.test(head) && head.split(/\s+/).length <= 6) return { section, rest: m[2] ?? '' };
  return null;
}

const INLINE_NICE = /\b(a plus|is a plus|nice to have|bonus|preferred|ideally)\b/i;

interface Line {
  text: string;
  section: Section;
}

function sectionLines(text: string): Line[] {
  let section: Section = 'none';
  const out: Line[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const heading = headingOf(raw);
    if (heading) {
      section = heading.section;
      if (heading.rest.trim()) out.push({ text: heading.rest.trim(), section });
      continue;
    }
    if (raw.trim()) out.push({ text: raw.trim().replace(/^[-*•]\s*/u, ''), section });
  }
  return out;
}

const LABEL = (label: string) => new RegExp(`^\\s*(?:${label})\\s*:\\s*(.+)$`, 'im');
const labelled = (text: string, label: string) => LABEL(label).exec(text)?.[1]?.trim().slice(0, 160) ?? null;

const LEVELS = /\b(intern|junior|graduate|entry[- ]level|mid[- ]level|senior|staff|principal|lead|head of|distinguished|L[3-8]|E[3-8])\b/i;
const ROLE_WORDS = /\b(engineer|scientist|researcher|developer|architect|analyst|manager)\b/i;

function roleOf(text: string): string | null {
  const label = labelled(text, 'role|title|position|job title');
  if (label) return label;
  const first = text.split(/\r?\n/).map((l) => l.trim()).find(Boolean) ?? '';
  const m = /^(?:[\w&.' -]+ is hiring(?: an?)?:?\s*)?(.{3,120}?)\s*(?:[-–|@(]|\bat\b|$)/i.exec(first);
  return m && ROLE_WORDS.test(m[1]!) ? m[1]!.trim() : null;
}

function companyOf(text: string): string | null {
  const label = labelled(text, 'company|employer|organisation|organization');
  if (label) return label;
  // A name: up to four capitalised words on one line ("Quillon Labs", never "Quillon Labs\nLocation").
  const head = text.split(/\r?\n/).slice(0, 3).join('\n');
  const m =
    /^[ \t]*about ([A-Z][\w&.'-]*(?:[ \t]+[A-Z][\w&.'-]*){0,3})[ \t]*:?[ \t]*$/m.exec(text) ??
    /^([A-Z][\w&.'-]*(?:[ \t]+[A-Z][\w&.'-]*){0,3}) is hiring\b/m.exec(text) ??
    /(?:\bat|@|[—–|])[ \t]+([A-Z][\w&.'-]*(?:[ \t]+[A-Z][\w&.'-]*){0,3})[ \t]*$/m.exec(head);
  return m ? m[1]!.trim() : null;
}

function locationOf(text: string): string | null {
  const label = labelled(text, 'location|based in|office');
  if (label) return label;
  const m = /\b(fully remote|remote[- ]first|remote|hybrid|on[- ]site)\b[^.\n]{0,60}/i.exec(text);
  return m ? m[0].trim() : null;
}

/** The years asked for: the first "N+ years" (or "N-M years") in a requirements line, else anywhere. */
function yearsOf(lines: Line[]): number | null {
  const re = /\b(\d{1,2})\s*\+?\s*(?:(?:-|–|to)\s*\d{1,2}\s*)?years?\b/i;
  const pick = (ls: Line[]) => ls.map((l) => re.exec(l.text)).find(Boolean);
  const m = pick(lines.filter((l) => l.section === 'must')) ?? pick(lines);
  return m ? Math.min(50, Number(m[1])) : null;
}

const RED_FLAGS: [RegExp, string][] = [
  [/\b(rock ?star|ninja|guru|wizard)s?\b/i, 'hype words instead of a description of the work'],
  [/\bwork hard,? play hard\b|\bhustle\b|\bgrind\b/i, 'suggests long hours are expected'],
  [/\b(we are|we're) (like )?a family\b/i, '“family” language often blurs boundaries'],
  [/\bwear (many|multiple) hats\b/i, 'the role may be several jobs in one'],
  [/\b(evenings|weekends|24\/7|around the clock)\b/i, 'out-of-hours work is mentioned'],
  [/\bunpaid\b|\bequity[- ]only\b/i, 'pay may be missing or equity only'],
  [/\bfast[- ]paced\b/i, '“fast-paced” can mean under-resourced; ask about workload'],
  [/\bcompetitive (salary|compensation)\b/i, 'no salary range given'],
];

function redFlagsOf(lines: Line[], level: string | null, years: number | null): string[] {
  const flags: string[] = [];
  for (const [re, why] of RED_FLAGS) {
    const line = lines.find((l) => re.test(l.text));
    if (line) flags.push(`${why}: “${line.text.slice(0, 200)}”`);
  }
  if (years !== null && years >= 5 && level && /\b(junior|graduate|entry[- ]level|intern)\b/i.test(level)) {
    flags.push(`asks for ${years}+ years for a ${level.toLowerCase()} role`);
  }
  return flags.slice(0, 20);
}

const INTERVIEW_CUES = /\b(take[- ]home|live coding|pair programming|system design|ml design|paper (discussion|presentation)|research talk|behaviou?ral|coding (round|interview)|onsite|on-site loop|debugging)\b/gi;

function interviewTopicsOf(lines: Line[]): string[] {
  const topics = new Map<string, string>();
  const add = (t: string) => topics.set(t.toLowerCase().replace('behavioral', 'behavioural'), t);
  for (const l of lines) {
    for (const m of l.text.matchAll(INTERVIEW_CUES)) add(m[0].toLowerCase());
    if (l.section === 'interview') for (const s of findSkills(l.text)) add(s.skill.name);
  }
  return [...topics.values()].slice(0, 20);
}

function requirementsOf(lines: Line[]): { mustHave: Requirement[]; niceToHave: Requirement[] } {
  const hasRequirementSections = lines.some((l) => l.section === 'must' || l.section === 'nice');
  const must = new Map<string, Requirement>();
  const nice = new Map<string, Requirement>();
  // A clause marked "a plus" makes only its own skills nice-to-haves: "Python; Scala is a plus".
  const clauses = lines.flatMap((l) => l.text.split(/;\s*/).map((clause) => ({ ...l, clause })));
  for (const l of clauses) {
    if (l.section === 'interview') continue;
    for (const s of findSkills(l.clause)) {
      const req = { name: s.skill.name, skillId: s.skill.id, text: l.text.slice(0, 600) };
      const isNice = l.section === 'nice' || INLINE_NICE.test(l.clause) || (hasRequirementSections && l.section !== 'must');
      if (isNice) {
        if (!nice.has(s.skill.id)) nice.set(s.skill.id, req);
      } else if (!must.has(s.skill.id)) must.set(s.skill.id, req);
    }
  }
  for (const id of must.keys()) nice.delete(id);
  return { mustHave: [...must.values()].slice(0, 40), niceToHave: [...nice.values()].slice(0, 40) };
}

export function parseJdOffline(raw: string): JdParsed {
  const text = unwrapLines(raw);
  const lines = sectionLines(text);
  const role = roleOf(text);
  const yearsAskedFor = yearsOf(lines);
  const level = LEVELS.exec(role ?? '')?.[0] ?? LEVELS.exec(labelled(text, 'level|seniority') ?? text.split(/\r?\n/)[0] ?? '')?.[0] ?? null;
  return {
    company: companyOf(text),
    role,
    level,
    location: locationOf(text),
    ...requirementsOf(lines),
    yearsAskedFor,
    interviewTopics: interviewTopicsOf(lines),
    redFlags: redFlagsOf(lines, level, yearsAskedFor),
  };
}
