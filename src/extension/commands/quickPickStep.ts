import * as vscode from 'vscode';

export interface StepItem<T> extends vscode.QuickPickItem {
  value: T;
}

/**
 * One step of a multi-step input (VS Code's UX guidelines): "Title (2/3)" with the step counter,
 * resolving to the picked value, or undefined when the user escapes.
 */
export function quickPickStep<T>(title: string, step: number, totalSteps: number, placeholder: string, items: StepItem<T>[]): Promise<T | undefined> {
  const pick = vscode.window.createQuickPick<StepItem<T>>();
  pick.title = title;
  pick.step = step;
  pick.totalSteps = totalSteps;
  pick.placeholder = placeholder;
  pick.items = items;
  pick.matchOnDescription = true;
  // A wizard must not vanish when focus moves by itself (a panel opened earlier finishing its load,
  // a notification): the user would lose the steps already answered. Escape still cancels.
  pick.ignoreFocusOut = true;
  return new Promise((resolvePick) => {
    pick.onDidAccept(() => {
      resolvePick(pick.selectedItems[0]?.value);
      pick.hide();
    });
    pick.onDidHide(() => {
      resolvePick(undefined);
      pick.dispose();
    });
    pick.show();
  });
}
