/**
 * Types of docs/ipc.md that have no ts-rs binding in `./bindings/` yet.
 *
 * While a binding is missing, declare the type here exactly as docs/ipc.md describes it, with
 * a comment, and re-export it from `./types.ts`. When Rust adds the binding
 * (`cargo test --lib export_bindings` writes `bindings/<Name>.ts`), delete it here and export
 * the binding from `./types.ts` instead; the compiler then shows any drift.
 *
 * Every type the UI uses has a binding today, so nothing is pending.
 */
export {};
