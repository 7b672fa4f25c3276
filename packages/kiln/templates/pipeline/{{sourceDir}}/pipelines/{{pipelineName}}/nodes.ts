/** The {{pipelineName}} pipeline's node functions: plain functions of data, easy to test on their own. */

/** The `{{pipelineName}}` parameters (conf/base/parameters_{{pipelineName}}.yml). */
export interface Parameters {
  message: string;
}

/** A first step to replace with real work: it returns the message from the parameters, upper-cased. */
export function firstStep(parameters: Parameters): string {
  return parameters.message.toUpperCase();
}
