import * as vscode from 'vscode';
import type { StepItem } from '../commands/quickPickStep';

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

/**
 * A step where several items may be picked (key or partition columns), some picked at the start;
 * OK with none picked is a valid answer ([]), Escape is undefined.
 */
export function multiPickStep<T>(title: string, step: number, totalSteps: number, placeholder: string, items: StepItem<T>[], picked: (item: StepItem<T>) => boolean): Promise<T[] | undefined> {
  const pick = vscode.window.createQuickPick<StepItem<T>>();
  pick.title = title;
  pick.step = step;
  pick.totalSteps = totalSteps;
  pick.placeholder = placeholder;
  pick.canSelectMany = true;
  pick.items = items;
  pick.selectedItems = items.filter(picked);
  pick.matchOnDescription = true;
  pick.ignoreFocusOut = true;
  return new Promise((resolvePick) => {
    pick.onDidAccept(() => {
      resolvePick(pick.selectedItems.map((item) => item.value));
      pick.hide();
    });
    pick.onDidHide(() => {
      resolvePick(undefined);
      pick.dispose();
    });
    pick.show();
  });
}
