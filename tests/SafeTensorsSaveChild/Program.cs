using ParameterKit.SafeTensors;
using ParameterKit.Tensors;

// Usage: SafeTensorsSaveChild <target.safetensors> <started-marker>
// Saves a 1 GiB U8 tensor over <target> at about 100 MB/s, creating <started-marker> once the first megabyte
// has gone into the temporary file. The parent kills this process mid-write.
string target = args[0];
string marker = args[1];
const int Chunk = 1 << 20;
const ulong Total = 1UL << 30;

var writer = new SafeTensorsWriter(new Dictionary<string, string> { ["format"] = "pt", ["writer"] = "child" });
writer.Add("big", DType.U8, [Total], stream =>
{
    var chunk = new byte[Chunk];
    Array.Fill(chunk, (byte)0xAB);
    for (ulong written = 0; written < Total; written += Chunk)
    {
        stream.Write(chunk);
        if (written == 0)
        {
            stream.Flush();
            File.WriteAllText(marker, "started");
        }
        Thread.Sleep(10);
    }
});
writer.Save(target);
