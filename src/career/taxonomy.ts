/**
 * The skills taxonomy: ML, research, data, systems and infrastructure skills, languages and interview topics, each
 * with the spellings people write it in, and the problem bank's topics and tags that practise it. Matching lives in
 * skills.ts; this file is data only, so adding a skill is one line.
 *
 * Variant rules (see skills.ts): case-insensitive unless listed in `exact`; spaces and hyphens inside a variant also
 * match each other or nothing ("fine-tuning" = "fine tuning" = "finetuning"); a plural "s" is allowed.
 * `exact` variants are case-sensitive and, when `ambiguous`, are also refused at the start of a sentence (unless a
 * list separator follows) and before "-x"/"&x": "Go" the language, never "go" the verb; "R", never "R&D".
 */
import type { Topic } from '../practice/bank.js';

export type SkillCategory = 'ml' | 'research' | 'data' | 'systems' | 'infrastructure' | 'language' | 'topic';

export interface Skill {
  id: string;
  name: string;
  category: SkillCategory;
  /** Case-insensitive spellings (the name is not implied: list it). */
  variants: string[];
  /** Case-sensitive spellings. */
  exact?: string[];
  /** The exact spellings are also common words or letters: apply the sentence-start and "-x"/"&x" rules. */
  ambiguous?: boolean;
  /** Problem bank topics and tags that practise this skill. */
  topics?: Topic[];
  tags?: string[];
}

const s = (id: string, name: string, category: SkillCategory, variants: string[], more: Partial<Skill> = {}): Skill => ({
  id, name, category, variants, ...more,
});

export const SKILLS: Skill[] = [
  // Languages
  s('python', 'Python', 'language', ['python', 'python3']),
  s('cpp', 'C++', 'language', ['c++', 'cpp', 'c plus plus'], { tags: ['numerics'] }),
  s('c', 'C', 'language', [], { exact: ['C'], ambiguous: true }),
  s('csharp', 'C#', 'language', ['c#', 'csharp']),
  s('go', 'Go', 'language', ['golang'], { exact: ['Go'], ambiguous: true }),
  s('r', 'R', 'language', [], { exact: ['R'], ambiguous: true, tags: ['statistics'] }),
  s('rust', 'Rust', 'language', [], { exact: ['Rust'] }),
  s('java', 'Java', 'language', ['java']),
  s('scala', 'Scala', 'language', ['scala']),
  s('javascript', 'JavaScript', 'language', ['javascript', 'typescript', 'node.js']),
  s('sql', 'SQL', 'data', ['sql'], { topics: ['data-infra'] }),
  s('cuda', 'CUDA', 'systems', ['cuda', 'triton kernels', 'gpu kernels'], { tags: ['numerics'] }),

  // ML frameworks and libraries
  s('pytorch', 'PyTorch', 'ml', ['pytorch', 'torch'], { topics: ['ml-coding'], tags: ['autograd', 'training'] }),
  s('tensorflow', 'TensorFlow', 'ml', ['tensorflow', 'keras'], { topics: ['ml-coding'], tags: ['training'] }),
  s('jax', 'JAX', 'ml', ['jax', 'flax'], { topics: ['ml-coding'], tags: ['autograd'] }),
  s('numpy', 'NumPy', 'ml', ['numpy'], { topics: ['ml-coding'], tags: ['numerics'] }),
  s('pandas', 'pandas', 'data', ['pandas', 'polars'], { topics: ['data-infra'] }),
  s('sklearn', 'scikit-learn', 'ml', ['scikit-learn', 'sklearn'], { tags: ['classification', 'clustering'] }),
  s('huggingface', 'Hugging Face', 'ml', ['hugging face', 'huggingface', 'hf transformers'], { tags: ['transformers', 'llm'] }),

  // ML concepts
  s('ml', 'Machine learning', 'ml', ['machine learning'], { exact: ['ML'], topics: ['ml-coding'] }),
  s('deep-learning', 'Deep learning', 'ml', ['deep learning', 'neural network', 'neural net'], { topics: ['ml-coding'], tags: ['backprop'] }),
  s('transformers', 'Transformers', 'ml', ['transformer', 'self-attention', 'attention mechanism'], { tags: ['transformers', 'attention'] }),
  s('llm', 'Large language models', 'ml', ['large language model', 'foundation model'], { exact: ['LLM', 'LLMs'], tags: ['llm', 'decoding'] }),
  s('nlp', 'NLP', 'ml', ['natural language processing'], { exact: ['NLP'], tags: ['nlp', 'tokenisation'] }),
  s('computer-vision', 'Computer vision', 'ml', ['computer vision', 'image classification', 'object detection'], { exact: ['CV models'] }),
  s('rl', 'Reinforcement learning', 'ml', ['reinforcement learning', 'rlhf', 'ppo'], { exact: ['RL'] }),
  s('fine-tuning', 'Fine-tuning', 'ml', ['fine-tuning', 'fine-tune', 'lora', 'peft', 'instruction tuning'], { tags: ['training'] }),
  s('pretraining', 'Pre-training', 'ml', ['pre-training', 'pretrain'], { tags: ['training', 'data-loading'] }),
  s('optimisation', 'Optimisation', 'ml', ['optimisation', 'optimization', 'optimizer', 'optimiser', 'sgd', 'adamw'], {
    tags: ['optimisation', 'adam', 'gradient-descent', 'learning-rate'],
  }),
  s('evaluation', 'Model evaluation', 'ml', ['evaluation', 'evals', 'benchmarking', 'a/b testing'], { tags: ['evaluation', 'metrics'] }),
  s('recsys', 'Recommender systems', 'ml', ['recommender system', 'recommendation system', 'recsys'], { tags: ['recommender-systems', 'ranking'] }),
  s('retrieval', 'Retrieval', 'ml', ['retrieval', 'retrieval-augmented generation', 'vector search', 'embedding search'], {
    exact: ['RAG'], tags: ['retrieval', 'search'],
  }),
  s('tokenisation', 'Tokenisation', 'ml', ['tokenisation', 'tokenization', 'tokenizer', 'tokeniser', 'byte-pair encoding'], {
    exact: ['BPE'], tags: ['tokenisation', 'bpe'],
  }),
  s('inference', 'Inference and serving', 'ml', ['model serving', 'inference optimisation', 'inference optimization', 'vllm', 'quantisation', 'quantization'], {
    topics: ['system-design'], tags: ['serving', 'latency', 'batching'],
  }),
  s('mlops', 'MLOps', 'infrastructure', ['mlops', 'ml platform', 'feature store', 'model registry', 'mlflow'], {
    topics: ['data-infra'], tags: ['feature-store', 'training-serving-skew'],
  }),

  // Research
  s('research', 'Research', 'research', ['research experience', 'publications', 'published papers', 'first-author', 'neurips', 'icml', 'iclr'], {
    topics: ['paper-reading'], tags: ['research-process'],
  }),
  s('paper-implementation', 'Implementing papers', 'research', ['implement papers', 'reproduce papers', 'paper implementation', 'reproducing results'], {
    topics: ['paper-reading'], tags: ['reproducibility'],
  }),
  s('experiment-design', 'Experiment design', 'research', ['experiment design', 'experimental design', 'ablation', 'hypothesis testing'], {
    tags: ['statistics', 'sample-size', 'standard-error'],
  }),

  // Data
  s('statistics', 'Statistics', 'data', ['statistics', 'statistical', 'bayesian'], { topics: ['probability'], tags: ['statistics', 'bayes'] }),
  s('probability', 'Probability', 'data', ['probability', 'probabilistic'], { topics: ['probability'], tags: ['expectation', 'variance'] }),
  s('spark', 'Spark', 'data', ['pyspark', 'apache spark', 'databricks'], { exact: ['Spark'], topics: ['data-infra'], tags: ['distributed'] }),
  s('data-pipelines', 'Data pipelines', 'data', ['data pipeline', 'etl', 'airflow', 'dbt', 'data engineering'], {
    topics: ['data-infra'], tags: ['data-loading', 'streaming'],
  }),
  s('streaming', 'Stream processing', 'data', ['kafka', 'stream processing', 'flink'], { topics: ['data-infra'], tags: ['streaming'] }),
  s('postgres', 'PostgreSQL', 'data', ['postgres', 'postgresql'], { topics: ['data-infra'] }),

  // Systems and infrastructure
  s('distributed-systems', 'Distributed systems', 'systems', ['distributed systems', 'distributed training', 'data parallel', 'model parallel', 'fsdp', 'deepspeed'], {
    topics: ['system-design'], tags: ['distributed', 'sharding'],
  }),
  s('system-design', 'System design', 'topic', ['system design', 'systems design', 'scalable systems', 'large-scale systems'], {
    topics: ['system-design'], tags: ['systems'],
  }),
  s('gpu', 'GPUs', 'systems', ['gpu', 'tpu', 'accelerator'], { tags: ['batching', 'latency'] }),
  s('kubernetes', 'Kubernetes', 'infrastructure', ['kubernetes', 'k8s'], { tags: ['infrastructure'] }),
  s('docker', 'Docker', 'infrastructure', ['docker', 'containers', 'containerisation', 'containerization']),
  s('cloud', 'Cloud platforms', 'infrastructure', ['aws', 'gcp', 'azure', 'google cloud', 'amazon web services']),
  s('terraform', 'Infrastructure as code', 'infrastructure', ['terraform', 'infrastructure as code', 'pulumi'], { exact: ['IaC'] }),
  s('ci-cd', 'CI/CD', 'infrastructure', ['ci/cd', 'continuous integration', 'github actions']),
  s('linux', 'Linux', 'systems', ['linux', 'unix']),
  s('testing', 'Testing', 'systems', ['unit tests', 'unit testing', 'test-driven', 'testing'], { topics: ['debugging'], tags: ['testing'] }),
  s('debugging', 'Debugging', 'topic', ['debugging', 'troubleshooting'], { topics: ['debugging'], tags: ['debugging'] }),

  // Interview topics
  s('algorithms', 'Algorithms and data structures', 'topic', ['algorithms', 'data structures', 'leetcode'], { tags: ['sorting', 'graphs', 'hashing', 'strings'] }),
  s('ml-coding', 'ML coding', 'topic', ['ml coding', 'implement from scratch', 'from scratch'], { topics: ['ml-coding'] }),
  s('behavioural', 'Behavioural', 'topic', ['behavioural', 'behavioral', 'cross-functional', 'stakeholder', 'mentor', 'mentored', 'mentoring', 'mentorship'], {
    topics: ['behavioural'], tags: ['behavioural', 'communication'],
  }),
];
