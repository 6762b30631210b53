// The registry form's CIIU picker: as the supervisor types a code or words of an activity
// ("panaderia", "4711"), the datalist offers the matching classes from GET /api/v1/ciiu (which ignores
// case and accents, as the server's fold does), and the line under the field names the chosen class.
// Without JavaScript the field is a plain text box the server checks.

const WAIT_MS = 150;

function setUp(input) {
  const list = document.getElementById(input.getAttribute('list'));
  const chosen = document.querySelector('[data-ciiu-chosen]');
  const known = new Map();
  let timer = null;
  let asked = 0;

  const showChosen = () => {
    const found = known.get(input.value.trim());
    if (chosen && found) chosen.textContent = `${found.code} · ${found.title} (${found.section})`;
    else if (chosen && !input.value.trim()) chosen.textContent = '';
  };

  const ask = async () => {
    const text = input.value.trim();
    if (!text || known.has(text)) return showChosen();
    const mine = ++asked;
    try {
      const response = await fetch(`/api/v1/ciiu?q=${encodeURIComponent(text)}&per_page=20`,
        { credentials: 'same-origin', headers: { Accept: 'application/json' } });
      if (!response.ok || mine !== asked) return;  // an older answer never replaces a newer one
      const { items } = await response.json();
      list.replaceChildren(...items.map((item) => {
        known.set(item.code, item);
        const option = document.createElement('option');
        option.value = item.code;
        option.label = `${item.code} · ${item.title}`;
        option.textContent = option.label;
        return option;
      }));
      showChosen();
    } catch {
      // Offline or the server is away: the field still takes a typed code, checked on saving.
    }
  };

  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(ask, WAIT_MS);
  });
}

document.querySelectorAll('input[data-ciiu-picker][list]').forEach(setUp);
