import * as vscode from 'vscode';

export interface InputStepOptions {
  title: string;
  step: number;
  totalSteps: number;
  prompt: string;
  value?: string;
  placeholder?: string;
  /** Masks what is typed (passwords). */
  password?: boolean;
  /** A message while the value is not acceptable; Enter is refused meanwhile. */
  validate?: (value: string) => string | undefined;
}

/**
 * A text step of a multi-step input ("Title (2/5)"), the InputBox counterpart of quickPickStep:
 * resolves to the accepted text, or undefined when the user escapes.
 */
export function inputStep(options: InputStepOptions): Promise<string | undefined> {
  const box = vscode.window.createInputBox();
  box.title = options.title;
  box.step = options.step;
  box.totalSteps = options.totalSteps;
  box.prompt = options.prompt;
  box.value = options.value ?? '';
  if (options.placeholder) box.placeholder = options.placeholder;
  box.password = options.password ?? false;
  // As in quickPickStep: focus moving by itself must not throw away the answers so far.
  box.ignoreFocusOut = true;
  const check = (): string | undefined => options.validate?.(box.value);
  box.onDidChangeValue(() => { box.validationMessage = check(); });
  return new Promise((resolveInput) => {
    box.onDidAccept(() => {
      const problem = check();
      box.validationMessage = problem;
      if (problem !== undefined) return;
      resolveInput(box.value);
      box.hide();
    });
    box.onDidHide(() => {
      resolveInput(undefined);
      box.dispose();
    });
    box.show();
  });
}
