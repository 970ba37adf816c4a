import type { PageConfig } from '../ui/page-config.ts';

// The start form's fields for the user file's custom options, and the body the forms post.

/** Adds a field per custom option to `box` (shown only when there are any), made with DOM APIs. */
export function buildCustomOptions(box: HTMLElement, options: PageConfig['customOptions']): void {
  if (!options.length) return;
  box.hidden = false;
  options.forEach((o) => {
    const label = document.createElement('label');
    let input: HTMLInputElement | HTMLSelectElement;
    if (o.type === 'boolean') {
      label.className = 'check';
      const check = document.createElement('input');
      check.type = 'checkbox';
      check.checked = o.value === true || o.value === 'true';
      check.dataset.kind = 'boolean';
      input = check;
    } else if (o.choices && o.choices.length) {
      const select = document.createElement('select');
      o.choices.forEach((c) => {
        const opt = document.createElement('option');
        opt.value = String(c);
        opt.textContent = String(c);
        if (String(c) === String(o.value)) opt.selected = true;
        select.appendChild(opt);
      });
      input = select;
    } else {
      const field = document.createElement('input');
      field.type = o.secret ? 'password' : o.type === 'number' ? 'number' : 'text';
      if (o.type === 'number') field.step = 'any';
      const v = o.value;
      field.value = v === null || v === undefined ? '' : Array.isArray(v) ? v.join(',') : String(v);
      input = field;
    }
    input.name = o.name;
    const title = document.createElement('span');
    title.textContent = o.name;
    if (o.type === 'boolean') {
      label.appendChild(input);
      label.appendChild(title);
    } else {
      label.appendChild(title);
      label.appendChild(input);
    }
    if (o.help) {
      const help = document.createElement('span');
      help.className = 'help';
      help.textContent = o.help;
      label.appendChild(help);
    }
    box.appendChild(label);
  });
}

/** `--class-picker`: a box per user class in `box`, ticked for those of the last start. */
export function buildClassPicker(box: HTMLElement, picker: PageConfig['classPicker']): void {
  if (!picker) return;
  box.hidden = false;
  picker.classes.forEach((name) => {
    const label = document.createElement('label');
    label.className = 'check';
    const check = document.createElement('input');
    check.type = 'checkbox';
    check.name = 'user_classes';
    check.value = name;
    check.dataset.kind = 'class';
    check.checked = picker.selected.includes(name);
    const title = document.createElement('span');
    title.textContent = name;
    label.appendChild(check);
    label.appendChild(title);
    box.appendChild(label);
  });
}

/** The form's named fields as a urlencoded body; a checkbox sends `true` or `false`. */
export function formBody(form: HTMLFormElement): URLSearchParams {
  const body = new URLSearchParams();
  Array.prototype.forEach.call(form.elements, (el: HTMLInputElement) => {
    if (!el.name) return;
    // A class picker's box posts its class name when ticked (Locust's repeated user_classes).
    if (el.type === 'checkbox' && el.dataset.kind === 'class') {
      if (el.checked) body.append(el.name, el.value);
    } else if (el.type === 'checkbox') body.append(el.name, el.checked ? 'true' : 'false');
    else body.append(el.name, el.value);
  });
  return body;
}
