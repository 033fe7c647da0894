/** The concert tests create through the API or the use cases; the window is ISO times. */
export const concertDraft = (bookingStartTime: string, bookingEndTime: string) => ({
  title: 'Test Concert',
  artist: 'Tester',
  venue: 'Hall',
  concertDate: '2030-01-02',
  concertTime: '19:30:00',
  totalSeats: 10,
  price: '120000.00',
  bookingStartTime,
  bookingEndTime,
});

/** A draft whose booking window opened a minute ago and stays open for an hour. */
export function openConcertDraft() {
  const now = Date.now();
  return concertDraft(new Date(now - 60_000).toISOString(), new Date(now + 3_600_000).toISOString());
}
