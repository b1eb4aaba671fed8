/** The environment `npm start` gives node (bench/npm-start-env.mjs). */
export function npmStartEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
