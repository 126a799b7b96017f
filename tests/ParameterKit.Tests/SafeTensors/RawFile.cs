using System.Buffers.Binary;
using System.Text;

namespace ParameterKit.Tests.SafeTensors;

/// <summary>Builds safetensors bytes by hand (length prefix, header text, data) for edge cases the corpus lacks.</summary>
internal static class RawFile
{
    public static byte[] Build(string header, params byte[] data)
    {
        byte[] json = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + json.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)json.Length);
        json.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + json.Length);
        return bytes;
    }

    public static string Write(string folder, string name, byte[] bytes)
    {
        string path = Path.Combine(folder, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
