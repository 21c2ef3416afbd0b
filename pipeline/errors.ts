/** Errors raised by the pure stages for input they cannot read. They carry data and never log. */

export type InputProblem = 'empty' | 'binary' | 'too-large' | 'encoding' | 'malformed' | 'not-found';

/** Input the pipeline cannot process; `message` is one line meant for the user. */
export class InputError extends Error {
  readonly problem: InputProblem;
  constructor(problem: InputProblem, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = this.constructor.name;
    this.problem = problem;
  }
}
