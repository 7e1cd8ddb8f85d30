/**
 * The offline career tools on the test fixtures (four JDs, three CVs written for these tests): section cues decide
 * must-have vs nice-to-have, labelled and unlabelled facts are read, red flags carry their line, every CV skill keeps
 * its evidence sentence, and years come from what the CV states or the dates it gives.
 */
import { describe, expect, it } from 'vitest';
import { parseJdOffline } from '../../../src/career/jd-offline.js';
import { analyseProfileOffline, yearsOf } from '../../../src/career/profile-offline.js';
import { jdParsedSchema, profileAnalysisSchema } from '../../../src/career/schemas.js';
import { CVS, JDS } from '../../integration/career/fixtures/index.js';

const ids = (reqs: { skillId: string | null }[]) => reqs.map((r) => r.skillId);

describe('parsing job descriptions offline', () => {
  it('reads the ML platform JD: facts, must-haves under "Requirements", pluses under "Nice to have", interview hints', () => {
    const p = parseJdOffline(JDS.mlPlatform);
    expect(jdParsedSchema.parse(p)).toEqual(p);
    expect(p).toMatchObject({ company: 'Northwind Analytics', level: 'Senior', yearsAskedFor: 5, location: 'Berlin (hybrid, 2 days in the office)' });
    expect(p.role).toMatch(/^Senior Machine Learning Engineer/);
    expect(ids(p.mustHave)).toEqual(expect.arrayContaining(['python', 'pytorch', 'kubernetes', 'docker', 'data-pipelines', 'sql', 'postgres']));
    expect(ids(p.niceToHave)).toEqual(expect.arrayContaining(['go', 'rust', 'inference', 'terraform']));
    expect(ids(p.mustHave)).not.toContain('go');
    expect(p.mustHave.find((r) => r.skillId === 'kubernetes')!.text).toBe('Experience running workloads on Kubernetes and Docker');
    expect(p.interviewTopics.map((t) => t.toLowerCase())).toEqual(expect.arrayContaining(['take-home', 'system design', 'behavioural']));
    expect(p.redFlags).toEqual([]);
  });

  it('reads the research JD: company after "at", "Bonus points" as nice-to-haves, no years invented', () => {
    const p = parseJdOffline(JDS.researchScientist);
    expect(p.company).toBe('Quillon Labs');
    expect(p.yearsAskedFor).toBeNull();
    expect(ids(p.mustHave)).toEqual(expect.arrayContaining(['research', 'transformers', 'jax', 'experiment-design']));
    expect(ids(p.niceToHave)).toEqual(expect.arrayContaining(['rl', 'distributed-systems', 'cuda']));
    expect(p.interviewTopics).toEqual(expect.arrayContaining(['research talk', 'paper discussion']));
  });

  it('flags the data engineer JD: hype, out-of-hours work, no salary, and six years for a junior role', () => {
    const p = parseJdOffline(JDS.dataEngineer);
    expect(p).toMatchObject({ company: 'Lumen Retail', role: 'Data Engineer', level: 'Junior', yearsAskedFor: 6 });
    const flags = p.redFlags.join('\n');
    expect(flags).toMatch(/hype words.*rockstars/);
    expect(flags).toMatch(/out-of-hours.*evenings and weekends/);
    expect(flags).toMatch(/no salary range/);
    expect(flags).toContain('asks for 6+ years for a junior role');
    expect(ids(p.niceToHave)).toEqual(['cloud']);
  });

  it('reads the recsys JD: "is a plus" inside a must-have line makes only its own clause a plus', () => {
    const p = parseJdOffline(JDS.recsys);
    expect(p).toMatchObject({ company: 'Helio Streaming', level: 'Staff', yearsAskedFor: 8, location: 'Remote (Europe)' });
    expect(ids(p.mustHave)).toEqual(expect.arrayContaining(['recsys', 'evaluation', 'python']));
    expect(ids(p.niceToHave)).toEqual(expect.arrayContaining(['scala', 'java', 'retrieval', 'streaming']));
  });

  it('treats everything as a must-have when the JD has no sections', () => {
    const p = parseJdOffline('We need an engineer who knows Python and Kubernetes well, and has shipped ML models to production.');
    expect(ids(p.mustHave)).toEqual(expect.arrayContaining(['python', 'kubernetes']));
    expect(p.niceToHave).toEqual([]);
  });
});

describe('analysing CVs offline', () => {
  it('keeps, for every skill, the CV sentence that shows it', () => {
    for (const cv of Object.values(CVS)) {
      const a = analyseProfileOffline(cv, new Date('2026-12-07T00:00:00Z'));
      expect(profileAnalysisSchema.parse(a)).toEqual(a);
      expect(a.skills.length).toBeGreaterThan(3);
      for (const s of a.skills) expect(cv.replace(/\s+/g, ' ')).toContain(s.evidence);
    }
  });

  it('reads seniority signals and years from the platform engineer', () => {
    const a = analyseProfileOffline(CVS.platformEngineer, new Date('2026-12-07T00:00:00Z'));
    expect(a.skills.find((s) => s.skillId === 'kubernetes')!.evidence).toBe('Led the migration of our training jobs to Kubernetes, cutting queue times by 40%.');
    expect(a.seniority.map((s) => s.signal)).toEqual(expect.arrayContaining(['senior title', 'led work', 'mentoring']));
    expect(a.years).toBe(10); // 2016 to the present (2026)
  });

  it('prefers the years a CV states over its dates, and says nothing when it gives neither', () => {
    expect(analyseProfileOffline(CVS.researcher).years).toBe(4);
    expect(analyseProfileOffline(CVS.careerChanger).years).toBe(2);
    expect(yearsOf('I like building things.')).toBeNull();
  });
});
