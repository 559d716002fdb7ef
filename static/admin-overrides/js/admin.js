'use strict';
// Accessible names for the admin's select2 autocomplete widgets (Django 5.2 ships select2 4.0.13).
// select2 renders its own search field, with no label, next to the hidden <select> that carries the
// field's <label>; and for a multiple choice with "remove all" it puts a bare <span>×</span> into its
// <ul> of choices. The search field gets the field's label as its name; the span, which only a mouse
// can use (the keyboard clears with Backspace or Delete), is hidden from assistive technology, as
// select2 already does with each choice's own ×. select2 redraws these on every change, so a
// MutationObserver keeps them right. A single choice's combobox is named by the field's label and
// the choice it shows (select2 names it by the choice alone, which is empty while nothing is chosen),
// and so is the read-only textbox inside it that shows the choice.
// In a tabular inline a <select> has no <label>, only its aria-label ("Question, question 2"): a hidden
// element with that text stands in for the label, so select2's widgets are named by it the same way.
{
    const labelFor = (select) => {
        if (!select.id) {
            return null;
        }
        const label = document.querySelector(`label[for="${CSS.escape(select.id)}"]`);
        if (label || !select.getAttribute('aria-label')) {
            return label;
        }
        let standIn = document.getElementById(`${select.id}-label`);
        if (!standIn) {
            standIn = document.createElement('span');
            standIn.id = `${select.id}-label`;
            standIn.hidden = true;
            select.before(standIn); // select2's container stays right after the <select>
        }
        if (standIn.textContent !== select.getAttribute('aria-label')) {
            standIn.textContent = select.getAttribute('aria-label');
        }
        return standIn;
    };

    const labelText = (select) => {
        const label = labelFor(select);
        return label ? label.textContent.trim().replace(/:$/, '') : '';
    };

    // The <select> a select2 search field belongs to: the inline field sits in the container select2
    // inserts right after the <select>; the dropdown's field controls "select2-<id>-results".
    const selectFor = (field) => {
        const container = field.closest('.select2-container');
        const previous = container && container.previousElementSibling;
        if (previous && previous.tagName === 'SELECT') {
            return previous;
        }
        const match = /^select2-(.+)-results$/.exec(field.getAttribute('aria-controls') || '');
        return match ? document.getElementById(match[1]) : null;
    };

    const labelId = (select) => {
        const label = labelFor(select);
        if (label && !label.id) {
            label.id = `${select.id}-label`;
        }
        return label ? label.id : '';
    };

    const fix = () => {
        for (const combobox of document.querySelectorAll('.select2-selection--single[aria-labelledby]')) {
            const container = combobox.closest('.select2-container');
            const select = container && container.previousElementSibling;
            const shown = combobox.getAttribute('aria-labelledby');
            if (select && select.tagName === 'SELECT' && !shown.includes(' ')) {
                const id = labelId(select);
                if (id) {
                    combobox.setAttribute('aria-labelledby', `${id} ${shown}`);
                }
            }
        }
        // Inside the combobox, select2 gives the span that shows the choice role="textbox": named by
        // the field's label too, or it has no name at all while nothing is chosen. The combobox still
        // reads the choice from it: a name computed through aria-labelledby skips the span's own
        // aria-labelledby and takes its text.
        for (const shown of document.querySelectorAll('.select2-selection__rendered[role="textbox"]:not([aria-labelledby])')) {
            const container = shown.closest('.select2-container');
            const select = container && container.previousElementSibling;
            const id = select && select.tagName === 'SELECT' ? labelId(select) : '';
            if (id) {
                shown.setAttribute('aria-labelledby', id);
            }
        }
        for (const field of document.querySelectorAll('.select2-search__field:not([aria-label])')) {
            const select = selectFor(field);
            const text = select ? labelText(select) : '';
            if (text) {
                field.setAttribute('aria-label', text);
            }
        }
        for (const clear of document.querySelectorAll('.select2-selection__clear:not([aria-hidden])')) {
            clear.setAttribute('aria-hidden', 'true');
        }
    };

    new MutationObserver(fix).observe(document.documentElement, {
        childList: true,
        subtree: true,
        attributes: true,
        attributeFilter: ['aria-controls'],
    });
    document.addEventListener('DOMContentLoaded', fix);
}

// Django's tabular inline (admin/edit_inline/tabular.html) leaves two header cells empty: the first
// column, which shows each row's object and its change link, and the last, which holds "Delete?"
// boxes only when rows may be deleted. The first is named by the inline's heading for screen readers;
// the last is named "Remove" when rows may be added (inlines.js puts their remove links there) and
// otherwise, as it stays empty, is made a plain cell rather than a header with no text.
{
    const nameTabularHeaders = () => {
        for (const group of document.querySelectorAll('.js-inline-admin-formset[data-inline-type="tabular"]')) {
            const row = group.querySelector('table thead tr');
            if (!row) {
                continue;
            }
            const original = row.querySelector('th.original');
            const heading = group.querySelector('.inline-heading');
            if (original && !original.textContent.trim() && heading) {
                const name = document.createElement('span');
                name.className = 'visually-hidden';
                name.textContent = heading.textContent.trim();
                original.append(name);
            }
            const last = row.lastElementChild;
            if (last && last.tagName === 'TH' && last !== original && !last.textContent.trim()) {
                const data = JSON.parse(group.dataset.inlineFormset || '{}');
                if (group.querySelector('tr.empty-form')) {
                    const name = document.createElement('span');
                    name.className = 'visually-hidden';
                    name.textContent = (data.options && data.options.deleteText) || '';
                    last.append(name);
                } else {
                    last.replaceWith(document.createElement('td'));
                }
            }
        }
    };
    document.addEventListener('DOMContentLoaded', nameTabularHeaders);
}
