/** The key a worker's report carries its LlmStats under: the LLM output family's name. */
export const REPORT_KEY = 'llm';
