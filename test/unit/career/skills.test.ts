/**
 * Skills matching: word boundaries that know "C++" and "C#", case and variants ("k8s" is Kubernetes, "torch" is
 * PyTorch), the ambiguous ones ("Go" the language vs "go" the verb, "R" vs "R&D"), the evidence sentence kept, and
 * the taxonomy's links into the problem bank all pointing at topics and tags that exist.
 */
import { describe, expect, it } from 'vitest';
import { findSkills, sentenceAround } from '../../../src/career/skills.js';
import { SKILLS } from '../../../src/career/taxonomy.js';
import { readBank } from '../../../src/practice/bank.js';

const ids = (text: string) => findSkills(text).map((m) => m.skill.id);
const has = (text: string, id: string) => ids(text).includes(id);

describe('Go the language, go the verb', () => {
  it.each([
    ['Backend services are written in Go and Python.', true],
    ['Experience with Go, Rust or C++.', true],
    ['- Go\n- Kubernetes', true],
    ['Go, Python and SQL are our main languages.', true],
    ['We use golang for the control plane.', true],
    ["Go's concurrency model is a plus.", true],
    ['You will go far here.', false],
    ['Go beyond the usual metrics.', false],
    ['Ready to go? Apply now.', false],
    ['We GO to conferences.', false],
    ['Our on-the-go culture.', false],
  ])('%j -> %s', (text, expected) => expect(has(text, 'go')).toBe(expected));
});

describe('C, C++ and C#', () => {
  it('tells them apart', () => {
    expect(ids('Strong C++ skills.')).toEqual(['cpp']);
    expect(ids('Fluent in C# and .NET.')).toEqual(['csharp']);
    expect(ids('Write fast C and C++ kernels.')).toEqual(expect.arrayContaining(['c', 'cpp']));
    expect(has('C/C++ experience', 'c')).toBe(true);
    expect(has('C/C++ experience', 'cpp')).toBe(true);
    expect(has('We use cpp and CUDA.', 'cpp')).toBe(true);
  });
  it('does not find C in C-suite, in lowercase, or inside C++', () => {
    expect(has('Report to the C-suite.', 'c')).toBe(false);
    expect(has('a c compiler', 'c')).toBe(false);
    expect(has('Strong C++ skills.', 'c')).toBe(false);
  });
});

describe('R', () => {
  it.each([
    ['Statistical modelling in R or Python.', true],
    ['Tools: R, SQL, Spark.', true],
    ['Our R&D team is growing.', false],
    ['Familiar with R-CNN detectors.', false],
    ['r is not a language here.', false],
    ['Robust REST APIs.', false],
  ])('%j -> %s', (text, expected) => expect(has(text, 'r')).toBe(expected));
});

describe('variants, case and boundaries', () => {
  it('maps variants to one skill', () => {
    expect(ids('Deploy to k8s.')).toEqual(['kubernetes']);
    expect(ids('Deploy to Kubernetes.')).toEqual(['kubernetes']);
    expect(ids('Models in torch')).toEqual(['pytorch']);
    expect(ids('PYTORCH and Jax')).toEqual(['pytorch', 'jax']);
    expect(has('scikit learn pipelines', 'sklearn')).toBe(true);
    expect(has('finetuning LLMs', 'fine-tuning')).toBe(true);
    expect(has('Fine tuning large language models', 'llm')).toBe(true);
  });
  it('keeps words inside other words out', () => {
    expect(has('NoSQL stores', 'sql')).toBe(false);
    expect(has('PostgreSQL', 'sql')).toBe(false);
    expect(has('PostgreSQL', 'postgres')).toBe(true);
    expect(has('HTML and CSS', 'ml')).toBe(false);
    expect(has('Java', 'javascript')).toBe(false);
    expect(has('JavaScript', 'java')).toBe(false);
    expect(has('Rusty pipes', 'rust')).toBe(false);
    expect(has('rust on the car', 'rust')).toBe(false);
    expect(has('spark joy', 'spark')).toBe(false);
    expect(has('Apache Spark jobs', 'spark')).toBe(true);
  });
  it('allows plurals on longer variants', () => {
    expect(has('Built transformers from scratch.', 'transformers')).toBe(true);
    expect(has('Shipped LLMs to production.', 'llm')).toBe(true);
  });
});

describe('evidence', () => {
  const cv = 'Summary: ML engineer. Built a feature store on Kubernetes for 40 teams. Mentored two juniors!\n- Wrote CUDA kernels';
  it('keeps the sentence or list item each mention is in', () => {
    const found = Object.fromEntries(findSkills(cv).map((m) => [m.skill.id, m.mentions[0]!.sentence]));
    expect(found.kubernetes).toBe('Built a feature store on Kubernetes for 40 teams.');
    expect(found.mlops).toBe('Built a feature store on Kubernetes for 40 teams.');
    expect(found.behavioural).toBe('Mentored two juniors!');
    expect(found.cuda).toBe('Wrote CUDA kernels');
  });
  it('records every mention with its offsets', () => {
    const text = 'Python first. Then python again.';
    const [py] = findSkills(text);
    expect(py!.mentions.map((m) => [m.text, text.slice(m.start, m.end)])).toEqual([
      ['Python', 'Python'],
      ['python', 'python'],
    ]);
    expect(sentenceAround(text, 19, 25)).toBe('Then python again.');
  });
});

describe('the taxonomy', () => {
  it('has unique ids, and every bank topic and tag it names exists in the problem bank', () => {
    expect(new Set(SKILLS.map((s) => s.id)).size).toBe(SKILLS.length);
    const bank = readBank();
    const topics = new Set(bank.problems.map((p) => p.topic));
    const tags = new Set(bank.problems.flatMap((p) => p.tags));
    for (const skill of SKILLS) {
      for (const t of skill.topics ?? []) expect(topics, `${skill.id} topic ${t}`).toContain(t);
      for (const t of skill.tags ?? []) expect(tags, `${skill.id} tag ${t}`).toContain(t);
    }
  });
});
