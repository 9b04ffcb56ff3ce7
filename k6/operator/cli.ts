// npm run k6:operator -- --script=smoke-load --parallelism=N: writes the k6-operator manifests for one script.
import { runOperatorCli } from './command.ts';

process.exitCode = await runOperatorCli(process.argv.slice(2));
