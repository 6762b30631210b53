// "Compartir" on "Mis visitas": hand the owner's signed confirmation link to WhatsApp and the like
// through the Web Share API; where it is missing (most desktops), copy the link to the clipboard;
// where that fails too (an insecure context, a refused permission), show the link selected for copying.
// The link is rendered into the page by the server, so the share starts within the user's tap.

function statusFor(button) {
  const status = button.parentElement.querySelector('[data-share-status]');
  status.hidden = false;
  return status;
}

function showManual(button, url) {
  const status = statusFor(button);
  const label = document.createElement('label');
  label.textContent = button.dataset.manual;
  const input = document.createElement('input');
  input.type = 'text';
  input.readOnly = true;
  input.value = url;
  input.className = 'share-url';
  label.append(input);
  status.replaceChildren(label);
  input.focus();
  input.select();
}

async function share(button) {
  const { shareLink: url, shareText: text, shareTitle: title } = button.dataset;
  if (navigator.share) {
    try {
      await navigator.share({ title, text, url });
      return;
    } catch (error) {
      if (error.name === 'AbortError') return; // the officer closed the share sheet
      // Anything else (no share target, not allowed): fall back to copying.
    }
  }
  try {
    await navigator.clipboard.writeText(`${text} ${url}`);
    statusFor(button).textContent = button.dataset.copied;
  } catch {
    showManual(button, url);
  }
}

document.addEventListener('click', (event) => {
  const button = event.target.closest('[data-share-link]');
  if (button) share(button);
});
