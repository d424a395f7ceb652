"""Bookings pages, by audience: `client` (booking and one's own consultations), `waitlist`
(waiting for an earlier time), `consultation` (one consultation, for either side),
`practice` (the specialist's consultations and availability) and `feeds` (the private
calendar feed)."""
