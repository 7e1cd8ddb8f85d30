/** The run kind that grades an attempt: shared by the web (enqueue, status) and the worker (handler). */
export const GRADE_RUN_KIND = 'grade-attempt';
