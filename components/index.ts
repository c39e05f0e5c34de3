// The public component library: every component and its args type.
export { ValidationError } from "./shared/validation";
