"""Measures views, one module per area; each declares its `urlpatterns`:
`meters` (« Mes compteurs »), `entry` (readings, bills, weighings), `data`
(organisers' imports) and `results` (results pages and their CSV export).
`charts`, `formatting` and `method` turn a results payload into charts,
French numbers and the words of the method note."""
