// Moved to scripts/plan/stack.ts (shared with the plan CLI, built on the public
// testing module); kept so the specs' imports stay as they are.
export { evaluateStack, flattenConfig, readStackConfig, ROOT, type StackEvaluation } from "../../scripts/plan/stack";
