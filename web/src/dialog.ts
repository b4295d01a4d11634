// A confirmation dialog (native <dialog>, modal, focus trapped by the browser, Esc cancels).
import { byId } from "./dom";

export interface Confirmation {
  title: string;
  detail: string;
  confirm: string;
  cancel?: string;
}

export function confirmAction(c: Confirmation): Promise<boolean> {
  const dialog = byId<HTMLDialogElement>("confirm-dialog");
  byId("confirm-title").textContent = c.title;
  byId("confirm-detail").textContent = c.detail;
  byId("confirm-ok").textContent = c.confirm;
  byId("confirm-cancel").textContent = c.cancel ?? "Cancel";
  dialog.returnValue = "";
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => resolve(dialog.returnValue === "ok"), { once: true });
    dialog.showModal();
    byId("confirm-cancel").focus(); // the safe choice has focus: Enter never submits a final answer by accident
  });
}
