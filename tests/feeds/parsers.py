"""Independent iCalendar parsers for the feed tests: ical.js (Thunderbird's parser, run with
node) and vobject. Each returns {uid: (start_utc, end_utc, status, sequence, summary)}."""

import datetime as dt
import json
import subprocess
from pathlib import Path

import vobject

ROOT = Path(__file__).resolve().parents[2]
ICAL_JS = ROOT / "node_modules" / "ical.js" / "dist" / "ical.es5.cjs"

NODE_SCRIPT = """
const ICAL = require(process.argv[1]);
let text = '';
process.stdin.on('data', c => text += c);
process.stdin.on('end', () => {
  const calendar = new ICAL.Component(ICAL.parse(text));
  for (const zone of calendar.getAllSubcomponents('vtimezone')) {
    ICAL.TimezoneService.register(zone);
  }
  const out = {};
  for (const vevent of calendar.getAllSubcomponents('vevent')) {
    const event = new ICAL.Event(vevent);
    out[event.uid] = {
      start: event.startDate.toUnixTime(),
      end: event.endDate.toUnixTime(),
      tzid: event.startDate.zone ? event.startDate.zone.tzid : null,
      status: vevent.getFirstPropertyValue('status'),
      sequence: event.sequence,
      summary: event.summary,
    };
  }
  process.stdout.write(JSON.stringify(out));
});
"""


def utc(seconds: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, tz=dt.UTC)


def parse_with_icaljs(body: bytes) -> dict[str, tuple]:
    completed = subprocess.run(
        ["node", "-e", NODE_SCRIPT, str(ICAL_JS)],
        input=body,
        capture_output=True,
        check=True,
        timeout=30,
    )
    events = json.loads(completed.stdout)
    return {
        uid: (utc(e["start"]), utc(e["end"]), e["status"], e["sequence"], e["summary"])
        for uid, e in events.items()
    }


def parse_with_vobject(body: bytes) -> dict[str, tuple]:
    calendar = vobject.readOne(body.decode("utf-8"))
    events = {}
    for vevent in calendar.vevent_list:
        events[vevent.uid.value] = (
            vevent.dtstart.value.astimezone(dt.UTC),
            vevent.dtend.value.astimezone(dt.UTC),
            vevent.status.value,
            int(vevent.sequence.value),
            vevent.summary.value,
        )
    return events
