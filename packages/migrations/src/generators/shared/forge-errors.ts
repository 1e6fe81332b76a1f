import { describeError, isForgeError } from '../../core/errors';

/** Nx prints only the message of what a generator throws: give it the cause and the hint. */
export async function withForgeErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw isForgeError(error) ? new Error(describeError(error)) : error;
  }
}
