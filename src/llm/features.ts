/**
 * Every product feature that calls the LLM layer, the model tier each one uses by default, and how the page names
 * its offline answer. A new feature adds its name here; the offline test in test/integration/llm/ walks this list,
 * so a feature cannot be added without its offline path being exercised.
 */
export const LLM_FEATURES = [
  'hint',
  'code_review',
  'jd_parsing',
  'credentials_analysis',
  'iac_fit',
  'hamming_reflection',
  'url_parsing',
  'benchmark_run',
  'provider_test',
] as const;

export type LlmFeature = (typeof LLM_FEATURES)[number];

interface FeatureSettings {
  /** Which model a feature gets when it does not name one: short structured work goes to the cheap model. */
  tier: 'default' | 'cheap';
  /** Ends the notice: "...; showing <offlineLabel>". */
  offlineLabel: string;
}

export const FEATURE_SETTINGS: Readonly<Record<LlmFeature, FeatureSettings>> = {
  hint: { tier: 'cheap', offlineLabel: 'offline hints' },
  code_review: { tier: 'default', offlineLabel: 'the offline review' },
  jd_parsing: { tier: 'cheap', offlineLabel: 'keyword matching' },
  credentials_analysis: { tier: 'default', offlineLabel: 'the offline analysis' },
  iac_fit: { tier: 'default', offlineLabel: 'the offline interpretation' },
  hamming_reflection: { tier: 'default', offlineLabel: 'offline prompts for reflection' },
  url_parsing: { tier: 'cheap', offlineLabel: 'the details read from the page itself' },
  benchmark_run: { tier: 'default', offlineLabel: 'the offline baseline' },
  provider_test: { tier: 'cheap', offlineLabel: 'the offline answer' },
};
