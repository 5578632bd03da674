package hello;

public class Main {
    public static void main(String[] args) {
        System.out.println("hello from a Java app on a JRE, " + Runtime.version().feature());
    }
}
