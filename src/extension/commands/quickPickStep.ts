import * as vscode from 'vscode';

export interface StepItem<T> extends vscode.QuickPickItem {
  value: T;
}

/**
 * One step of a multi-step input (VS Code's UX guidelines): "Title (2/3)" with the step counter,
 * resolving to the picked value, or undefined when the user escapes.
 */
export function quickPickStep<T>(title: string, step: number, totalSteps: number, placeholder: string, items: StepItem<T>[]): Promise<T | undefined> {
  return showStepPick({ title, step, totalSteps, placeholder, items }, (selected) => selected[0]?.value);
}

/**
 * A step where several items may be picked (key or partition columns), some picked at the start;
 * OK with none picked is a valid answer ([]) unless `noneHint` is given: then OK with none keeps
 * the step open and shows the hint. Escape is undefined.
 */
export function multiPickStep<T>(
  title: string, step: number, totalSteps: number, placeholder: string, items: StepItem<T>[], picked: (item: StepItem<T>) => boolean, noneHint?: string,
): Promise<T[] | undefined> {
  return showStepPick({ title, step, totalSteps, placeholder, items, picked, ...(noneHint === undefined ? {} : { noneHint }) },
    (selected) => selected.map((item) => item.value));
}

interface StepPickOptions<T> {
  title: string;
  step: number;
  totalSteps: number;
  placeholder: string;
  items: StepItem<T>[];
  /** Given: several items may be picked, these at the start. */
  picked?: (item: StepItem<T>) => boolean;
  /** Given: at least one item must be picked; OK with none shows this as the placeholder. */
  noneHint?: string;
}

function showStepPick<T, R>(options: StepPickOptions<T>, answer: (selected: readonly StepItem<T>[]) => R): Promise<R | undefined> {
  const pick = vscode.window.createQuickPick<StepItem<T>>();
  pick.title = options.title;
  pick.step = options.step;
  pick.totalSteps = options.totalSteps;
  pick.placeholder = options.placeholder;
  pick.items = options.items;
  if (options.picked) {
    pick.canSelectMany = true;
    pick.selectedItems = options.items.filter(options.picked);
  }
  pick.matchOnDescription = true;
  // A wizard must not vanish when focus moves by itself (a panel opened earlier finishing its load,
  // a notification): the user would lose the steps already answered. Escape still cancels.
  pick.ignoreFocusOut = true;
  return new Promise((resolvePick) => {
    pick.onDidAccept(() => {
      if (options.noneHint !== undefined && pick.selectedItems.length === 0) {
        pick.placeholder = options.noneHint;
        return;
      }
      resolvePick(answer(pick.selectedItems));
      pick.hide();
    });
    pick.onDidHide(() => {
      resolvePick(undefined);
      pick.dispose();
    });
    pick.show();
  });
}
