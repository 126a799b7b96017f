using FsCheck.Xunit;

// Every FsCheck property in this assembly replays one fixed seed, so a CI run is a repeatable experiment and a
// failure reproduces on any machine. To explore new cases locally, change the seed (or remove Replay) and run again.
[assembly: Properties(Replay = "(20261126,1442695040888963407)")]
