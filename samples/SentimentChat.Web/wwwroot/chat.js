// The help-desk page's script: starts a conversation, sends messages, reads the server-sent events of each answer
// (turn → tokens → done) and moves the mood meter. Customer text only ever reaches the page through textContent,
// so whatever a customer types is shown as text and never parsed as markup.
'use strict';

(() => {
  const $ = (id) => document.getElementById(id);
  const transcript = $('transcript');
  const form = $('composer');
  const input = $('message');
  const send = $('send');
  const notice = $('notice');
  const handoff = $('handoff');
  const handoffButton = $('handoff-button');
  let conversation = null;
  let handedOff = false;

  // A refusal the server wrote for the customer ("busy", "too long", ...): shown as it is, where any other failure
  // (the network, a response that is not the API's) says the connection was lost.
  class ServerMessage extends Error {}

  const expiredNote = 'Your earlier conversation had ended after a period of inactivity, so a new one was started.';

  async function startConversation() {
    const response = await fetch('/api/conversations', { method: 'POST' });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) {
      throw new ServerMessage(body.error || 'The chat is unavailable right now. Please try again later.');
    }
    conversation = body;
    input.maxLength = body.maxMessageCharacters;
    handedOff = false;
    resetMeter();
  }

  // A new conversation starts with an empty meter: the old one's mood is not the new one's.
  function resetMeter() {
    for (const label of ['frustrated', 'positive', 'other']) {
      $(`bar-${label}`).style.width = '';
      $(`p-${label}`).textContent = '–';
    }
    const needle = $('mood-needle');
    needle.style.left = '';
    delete needle.dataset.score;
    $('mood-description').textContent = 'no messages yet';
    $('mood-score').textContent = '';
    $('turns').replaceChildren();
    handoff.hidden = true;
  }

  async function refusal(response) {
    const body = await response.json().catch(() => ({}));
    return new ServerMessage(body.error || 'Something went wrong. Please try again.');
  }

  function bubble(role, text) {
    const item = document.createElement('li');
    item.className = `bubble ${role}`;
    const words = document.createElement('span');
    words.className = 'words';
    words.textContent = text;
    item.append(words);
    transcript.append(item);
    item.scrollIntoView({ block: 'end' });
    return item;
  }

  function percent(p) {
    return `${Math.round(p * 100)} %`;
  }

  function showTurn(turn, customerBubble) {
    const tag = document.createElement('span');
    tag.className = 'tag';
    tag.textContent = `${turn.label} ${percent(turn.probabilities[turn.label])}`;
    customerBubble.append(tag);
    for (const label of ['frustrated', 'positive', 'other']) {
      $(`bar-${label}`).style.width = `${(turn.probabilities[label] * 100).toFixed(1)}%`;
      $(`p-${label}`).textContent = percent(turn.probabilities[label]);
    }
    const needle = $('mood-needle');
    needle.style.left = `${((turn.moodScore + 1) / 2 * 100).toFixed(1)}%`;
    needle.dataset.score = turn.moodScore.toFixed(3);
    $('mood-description').textContent = turn.mood;
    $('mood-score').textContent = `(${turn.moodScore >= 0 ? '+' : ''}${turn.moodScore.toFixed(2)})`;
    const chip = document.createElement('li');
    chip.className = turn.label;
    chip.textContent = `${turn.turn}: ${turn.label}`;
    $('turns').append(chip);
    // The server knows whether a person is on the way: a typed "yes" asks for one, "never mind" calls it off, after
    // which a later offer must show the button again.
    handedOff = turn.handOffRequested;
    showHandOff(turn.offerHuman);
  }

  function showHandOff(offer) {
    handoff.hidden = !(offer && !handedOff);
  }

  // Server-sent events arrive over fetch (EventSource can only GET): blocks separated by a blank line, each with an
  // "event:" line and "data:" lines holding JSON.
  async function readEvents(body, handle) {
    const reader = body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) {
        return;
      }
      buffer += value.replace(/\r\n?/g, '\n');
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let type = 'message';
        const data = [];
        for (const line of block.split('\n')) {
          if (line.startsWith('event:')) {
            type = line.slice(6).trim();
          } else if (line.startsWith('data:')) {
            data.push(line.slice(line.startsWith('data: ') ? 6 : 5));
          }
        }
        if (data.length > 0) {
          handle(type, JSON.parse(data.join('\n')));
        }
      }
    }
  }

  async function sendMessage(text) {
    notice.textContent = '';
    const mine = bubble('customer', text);
    const reply = bubble('assistant', '');
    reply.classList.add('streaming');
    const words = reply.querySelector('.words');
    let ended = false;
    try {
      let response = await post(text);
      if (response.status === 404) {
        // The conversation expired while the page was open: start a fresh one and send the message there.
        await startConversation();
        notice.textContent = expiredNote;
        response = await post(text);
      }
      if (!response.ok) {
        throw await refusal(response);
      }
      await readEvents(response.body, (type, data) => {
        if (type === 'turn') {
          showTurn(data, mine);
        } else if (type === 'token') {
          words.textContent += data.text;
          reply.scrollIntoView({ block: 'end' });
        } else if (type === 'done') {
          ended = true;
          words.textContent = data.reply;
          showHandOff(data.offerHuman);
        } else if (type === 'refused' || type === 'error') {
          ended = true;
          throw new ServerMessage(data.message);
        }
      });
      if (!ended) {
        throw new Error('The answer stopped before its end.');
      }
      reply.classList.remove('streaming');
      reply.dataset.state = 'done';
    } catch (error) {
      // Whatever went wrong, no bubble is left streaming: the reply goes and the message is marked as not answered.
      reply.remove();
      mine.classList.add('refused');
      throw error;
    }
  }

  function post(text) {
    return fetch(`/api/conversations/${encodeURIComponent(conversation.id)}/messages`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ text }),
    });
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (text === '' || send.disabled) {
      return;
    }
    input.value = '';
    send.disabled = true;
    try {
      await sendMessage(text);
    } catch (error) {
      notice.textContent = error instanceof ServerMessage ? error.message : 'The connection was lost. Please try again.';
    } finally {
      send.disabled = false;
      input.focus();
    }
  });

  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  function requestHandOff() {
    return fetch(`/api/conversations/${encodeURIComponent(conversation.id)}/handoff`, { method: 'POST' });
  }

  handoffButton.addEventListener('click', async () => {
    handoffButton.disabled = true;
    try {
      let response = await requestHandOff();
      let restarted = false;
      if (response.status === 404) {
        // Expired: the customer still wants a person, so ask in a new conversation and say that is what happened.
        await startConversation();
        restarted = true;
        response = await requestHandOff();
      }
      if (!response.ok) {
        throw await refusal(response);
      }
      const body = await response.json();
      handedOff = true;
      handoff.hidden = true;
      bubble('system', restarted ? `${expiredNote} ${body.message}` : body.message);
    } catch (error) {
      bubble('system', error instanceof ServerMessage ? error.message : 'The connection was lost. Please try again.');
    } finally {
      handoffButton.disabled = false;
    }
  });

  send.disabled = true;
  startConversation()
    .then(() => {
      send.disabled = false;
      bubble('assistant', 'Hello! How can I help you today?');
      document.body.dataset.ready = 'true';
    })
    .catch((error) => {
      notice.textContent = error.message || 'The chat is unavailable right now.';
    });
})();
